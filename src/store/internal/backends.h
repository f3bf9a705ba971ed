// Backend factories behind Store::Open. Internal to src/store.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace tc::store::internal {

// The first words of a statement (newlines flattened), to name it in error messages.
std::string StatementHead(std::string_view sql);

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const OpenOptions& options);
Result<std::unique_ptr<Store>> OpenPostgres(const std::string& url, const OpenOptions& options);

}  // namespace tc::store::internal
