// The registry's records as `tongchou export` writes them for the city's IT (full,
// unmasked; the caller audits the export).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace tc::registry {

// Kinds: residents (active), areas, dwellings (households), assignments (current 包保).
inline constexpr const char* kExportKinds = "residents, areas, dwellings, assignments";

// Calls row() with the header, then with each record in a stable order; stops at the
// first error row() returns. InvalidArgument naming `kind` if it is not one of the kinds.
Status ExportRows(store::Store& store, std::string_view kind,
                  const std::function<Status(const std::vector<std::string>&)>& row);

}  // namespace tc::registry
