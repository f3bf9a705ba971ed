#include "registry/export.h"

namespace tc::registry {

Status ExportRows(store::Store& store, std::string_view kind,
                  const std::function<Status(const std::vector<std::string>&)>& row) {
  std::string sql;
  std::vector<std::string> header;
  if (kind == "residents") {
    sql = "SELECT id, name, id_number, phone, birth_date, sex, household_code, tags FROM residents "
          "WHERE status = 'active' ORDER BY id";
    header = {"id", "name", "id_number", "phone", "birth_date", "sex", "household_code", "tags"};
  } else if (kind == "areas") {
    sql = "SELECT code, parent_code, name, level, path FROM areas ORDER BY path";
    header = {"code", "parent_code", "name", "level", "path"};
  } else if (kind == "dwellings") {
    sql = "SELECT code, unit_code, address FROM households ORDER BY code";
    header = {"code", "unit_code", "address"};
  } else if (kind == "assignments") {
    sql = "SELECT area_code, cadre_name, cadre_phone, organisation, role FROM assignments WHERE ended_at IS NULL "
          "ORDER BY area_code, id";
    header = {"area_code", "cadre_name", "cadre_phone", "organisation", "role"};
  } else {
    return FieldInvalid("kind", "unknown kind '" + std::string(kind) + "' (" + kExportKinds + ")");
  }
  TC_RETURN_IF_ERROR(row(header));
  return store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql));
    std::vector<std::string> fields;
    for (const auto& r : rows.rows) {
      fields.clear();
      for (size_t i = 0; i < r.cells.size(); ++i) fields.push_back(r.Text(i));
      TC_RETURN_IF_ERROR(row(fields));
    }
    return Status::Ok();
  });
}

}  // namespace tc::registry
