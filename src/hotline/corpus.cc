#include "hotline/corpus.h"

#include <cstdint>

#include "hotline/internal/corpus_data.h"
#include "hotline/text.h"

namespace tc::hotline {
namespace {

constexpr uint64_t kHeldOutPercent = 20;

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001B3ULL;
  return h;
}

std::vector<Example> Select(int held_out) {  // -1: all, 0: training, 1: held out
  std::vector<Example> out;
  for (size_t i = 0; i < internal::kCorpusFileCount; ++i) {
    const internal::CorpusFile& file = internal::kCorpusFiles[i];
    std::string_view rest = file.text;
    while (!rest.empty()) {
      const size_t eol = rest.find('\n');
      std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
      auto text = NormalizeText(line, file.code);
      if (!text.ok() || text->empty()) continue;
      if (held_out >= 0 && IsHeldOut(*text) != (held_out == 1)) continue;
      out.push_back({std::string(file.code), std::move(*text)});
    }
  }
  return out;
}

}  // namespace

std::string_view TaxonomyJson() { return internal::kTaxonomyJson; }

bool IsHeldOut(std::string_view normalized) {
  // The top bits of a mixed FNV-1a: well spread even for texts differing in one byte.
  uint64_t h = Fnv1a(normalized);
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return h % 100 < kHeldOutPercent;
}

std::vector<Example> CorpusExamples() { return Select(-1); }
std::vector<Example> TrainingExamples() { return Select(0); }
std::vector<Example> HeldOutExamples() { return Select(1); }

}  // namespace tc::hotline
