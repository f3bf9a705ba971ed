// libFuzzer target: the JSON body parser (base/json.h, tc::ParseJson) on any bytes.
// Besides not crashing (ASan, UBSan, the stack), it checks: a refusal says why;
// an accepted value serialises and parses again to the same value. The first input
// byte picks a depth limit. Built and run by tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "base/json.h"

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "json_fuzz: broken promise: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  tc::JsonLimits limits;
  if (data[0] & 1) limits.max_depth = 1 + data[0] % 16;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto value = tc::ParseJson(text, limits);
  if (!value.ok()) {
    Check(!value.status().message().empty(), "a refusal says why");
    return 0;
  }
  const std::string dumped = value->dump();
  auto again = tc::ParseJson(dumped, limits);
  Check(again.ok(), "an accepted value's dump is accepted");
  Check(*again == *value, "an accepted value's dump parses to the same value");
  return 0;
}
