// List exports: any list handler can answer format=csv (UTF-8 with BOM, so Excel
// in China opens it) or format=xlsx with the same rows, as a download.
#pragma once

#include <string>
#include <vector>

#include "api/context.h"
#include "api/router.h"

namespace tc::api {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// "json" (default), "csv" or "xlsx" from ?format=; InvalidArgument otherwise.
Result<std::string> ExportFormat(const Context& ctx);
// A download named `<basename>.csv|xlsx`.
Result<Reply> ExportReply(const Table& table, const std::string& format, const std::string& basename);

}  // namespace tc::api
