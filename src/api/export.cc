#include "api/export.h"

#include <sstream>

#include "io/csv_writer.h"
#include "io/xlsx_writer.h"

namespace tc::api {

Result<std::string> ExportFormat(const Context& ctx) {
  const std::string f = ctx.Query("format").value_or("json");
  if (f != "json" && f != "csv" && f != "xlsx") return FieldInvalid("format", "must be json, csv or xlsx");
  return f;
}

Result<Reply> ExportReply(const Table& table, const std::string& format, const std::string& basename) {
  Reply r;
  if (format == "csv") {
    std::ostringstream out;
    io::CsvWriter w(out);
    TC_RETURN_IF_ERROR(w.WriteRow(table.header));
    for (const auto& row : table.rows) TC_RETURN_IF_ERROR(w.WriteRow(row));
    r.body = out.str();
    r.content_type = "text/csv; charset=utf-8";
  } else {
    TC_ASSIGN_OR_RETURN(r.body, io::XlsxWriter::RenderToBytes(basename.substr(0, 31), table.header, table.rows));
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + basename + "." + format + "\"");
  return r;
}

}  // namespace tc::api
