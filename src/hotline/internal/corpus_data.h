// The data files embedded at build time by embed_data.cmake (the generated
// corpus_data.cc in the build tree, rebuilt when a file under src/hotline/data changes).
#pragma once

#include <cstddef>
#include <string_view>

namespace tc::hotline::internal {

struct CorpusFile {
  std::string_view code;  // the file's name without ".txt": a leaf category code
  std::string_view text;  // the whole file, one request text per line
};

extern const std::string_view kTaxonomyJson;
extern const CorpusFile kCorpusFiles[];
extern const size_t kCorpusFileCount;

}  // namespace tc::hotline::internal
