#include "hotline/classifier.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "hotline/internal/utf8.h"

namespace tc::hotline {
namespace {

using internal::DecodeUtf8;

constexpr int32_t kSeparator = -1;
constexpr int32_t kDigit = '0';
// Seeds that keep the kinds of feature apart in the hash table.
constexpr uint64_t kSeedUnigram = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kSeedBigram = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kSeedTrigram = 0x165667B19E3779F9ULL;
constexpr uint64_t kSeedWord = 0xD6E8FEB86659FD93ULL;
// ICU rule statuses at and above this are words of letters, kana or ideographs
// (below: numbers, spaces and punctuation, which the n-grams cover).
constexpr int32_t kFirstLetterStatus = UBRK_WORD_LETTER;

// Punctuation, symbols, spaces and emoji: n-grams stop at them.
bool IsSeparator(int32_t cp) {
  if (cp < 0x80) return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'));
  return cp <= 0xBF || (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFE10 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFFEF) || cp >= 0x1F000;
}

// The symbol a code point contributes: ASCII lower-cased, digits as one class.
int32_t Fold(int32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + ('a' - 'A');
  if (cp >= '0' && cp <= '9') return kDigit;
  return cp;
}

uint64_t Mix(uint64_t h) {  // splitmix64's finaliser
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

uint64_t Step(uint64_t h, int32_t cp) { return (h ^ static_cast<uint64_t>(cp)) * 0x100000001B3ULL; }

// A thread's ICU word breaker (cloned from one prototype: creating one loads the
// dictionary) and its UTF-8 text handle, reused so no call allocates.
class WordBreaker {
 public:
  static WordBreaker& ForThread() {
    thread_local WordBreaker breaker;
    return breaker;
  }
  ~WordBreaker() { utext_close(&text_); }

  // Calls f(begin, end) with the byte span of every word of letters or ideographs.
  template <typename F>
  void ForEachWord(std::string_view s, F&& f) {
    if (!iterator_) return;
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&text_, s.data(), static_cast<int64_t>(s.size()), &status);
    if (U_FAILURE(status)) return;
    iterator_->setText(&text_, status);
    if (U_FAILURE(status)) return;
    int32_t begin = iterator_->first();
    for (int32_t end = iterator_->next(); end != icu::BreakIterator::DONE; begin = end, end = iterator_->next()) {
      if (iterator_->getRuleStatus() >= kFirstLetterStatus) f(static_cast<size_t>(begin), static_cast<size_t>(end));
    }
  }

 private:
  WordBreaker() {
    static const icu::BreakIterator* prototype = [] {
      UErrorCode status = U_ZERO_ERROR;
      icu::BreakIterator* it = icu::BreakIterator::createWordInstance(icu::Locale("zh"), status);
      if (U_FAILURE(status)) {
        delete it;
        return static_cast<icu::BreakIterator*>(nullptr);
      }
      return it;
    }();
    if (prototype != nullptr) iterator_.reset(prototype->clone());
  }

  std::unique_ptr<icu::BreakIterator> iterator_;
  UText text_ = UTEXT_INITIALIZER;
};

// Longest word of the dictionary, in characters.
constexpr size_t kMaxWordLength = 6;

// The folded symbols of a normalised text: separators collapsed to one kSeparator.
void Symbols(std::string_view text, std::vector<int32_t>& symbols) {
  symbols.clear();
  for (size_t pos = 0; pos < text.size();) {
    int32_t cp = DecodeUtf8(text, &pos);
    if (cp < 0) {  // not normalised: skip the byte
      ++pos;
      continue;
    }
    cp = IsSeparator(cp) ? kSeparator : Fold(cp);
    if (cp == kSeparator && (symbols.empty() || symbols.back() == kSeparator)) continue;
    if (cp == kDigit && !symbols.empty() && symbols.back() == kDigit) continue;  // a digit run is one "0"
    symbols.push_back(cp);
  }
}

// The key of a word (a run of symbols) in the dictionary; never 0.
uint64_t WordKey(const int32_t* symbols, size_t length) {
  uint64_t h = kSeedWord;
  for (size_t i = 0; i < length; ++i) h = Step(h, symbols[i]);
  return Mix(h) | 1;
}

// Open addressing over word keys (0 = empty slot); a power-of-two size, at most half full.
bool DictionaryHas(const std::vector<uint64_t>& slots, uint64_t key) {
  if (slots.empty()) return false;
  const size_t mask = slots.size() - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    if (slots[i] == key) return true;
    if (slots[i] == 0) return false;
  }
}

std::vector<uint64_t> BuildDictionary(std::vector<uint64_t> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  size_t size = 16;
  while (size < 2 * keys.size()) size *= 2;
  std::vector<uint64_t> slots(size, 0);
  for (uint64_t key : keys) {
    size_t i = key & (size - 1);
    while (slots[i] != 0) i = (i + 1) & (size - 1);
    slots[i] = key;
  }
  return slots;
}

// The words ICU's breaker finds in a text (2 to kMaxWordLength characters, letters or
// ideographs only), as dictionary keys.
void AddIcuWords(std::string_view text, std::vector<uint64_t>& keys) {
  thread_local std::vector<int32_t> word;
  WordBreaker::ForThread().ForEachWord(text, [&](size_t begin, size_t end) {
    Symbols(text.substr(begin, end - begin), word);
    if (word.size() < 2 || word.size() > kMaxWordLength) return;
    for (int32_t s : word) {
      if (s == kSeparator) return;
    }
    keys.push_back(WordKey(word.data(), word.size()));
  });
}

// The hashed features of a normalised text into `out` (cleared first): character
// 1–3-grams within runs between separators, then the words of `dictionary` found by
// forward maximum matching (the longest dictionary word at each position).
void ExtractFeatures(std::string_view text, const std::vector<uint64_t>& dictionary, int hash_bits,
                     std::vector<uint32_t>& out) {
  thread_local std::vector<int32_t> symbols;
  out.clear();
  Symbols(text, symbols);
  const int shift = 64 - hash_bits;
  const size_t n = symbols.size();
  for (size_t i = 0; i < n; ++i) {
    const int32_t a = symbols[i];
    if (a == kSeparator) continue;
    out.push_back(static_cast<uint32_t>(Mix(Step(kSeedUnigram, a)) >> shift));
    if (i + 1 >= n || symbols[i + 1] == kSeparator) continue;
    const uint64_t ab = Step(Step(kSeedBigram, a), symbols[i + 1]);
    out.push_back(static_cast<uint32_t>(Mix(ab) >> shift));
    if (i + 2 >= n || symbols[i + 2] == kSeparator) continue;
    const uint64_t abc = Step(Step(Step(kSeedTrigram, a), symbols[i + 1]), symbols[i + 2]);
    out.push_back(static_cast<uint32_t>(Mix(abc) >> shift));
  }
  if (dictionary.empty()) return;
  for (size_t i = 0; i < n;) {
    if (symbols[i] == kSeparator) {
      ++i;
      continue;
    }
    size_t run = 1;
    while (run < kMaxWordLength && i + run < n && symbols[i + run] != kSeparator) ++run;
    size_t matched = 0;
    uint64_t key = 0;
    for (size_t length = run; length >= 2 && matched == 0; --length) {
      key = WordKey(&symbols[i], length);
      if (DictionaryHas(dictionary, key)) matched = length;
    }
    if (matched == 0) {
      ++i;
      continue;
    }
    out.push_back(static_cast<uint32_t>(key >> shift));
    i += matched;
  }
}

// The value of each feature occurrence: naive Bayes counts, the logistic model sees the
// text's vector scaled to unit length (so long texts are not more confident per se).
float FeatureValue(Model model, size_t count) {
  if (model == Model::kNaiveBayes || count == 0) return 1.0f;
  return static_cast<float>(1.0 / std::sqrt(static_cast<double>(count)));
}

void Softmax(std::vector<double>& v) {
  const double top = *std::max_element(v.begin(), v.end());
  double sum = 0;
  for (double& x : v) sum += (x = std::exp(x - top));
  for (double& x : v) x /= sum;
}

// xorshift64*: the deterministic shuffle of the logistic model's epochs.
uint64_t NextRandom(uint64_t& state) {
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1DULL;
}

}  // namespace

const char* ModelName(Model model) { return model == Model::kLogistic ? "logistic" : "naive_bayes"; }

Classifier Classifier::Train(std::span<const Example> examples, const TrainOptions& options) {
  Classifier c;
  c.options_ = options;
  c.options_.hash_bits = std::clamp(options.hash_bits, 10, 24);
  for (const Example& e : examples) {
    if (e.weight > 0) c.codes_.push_back(e.code);
  }
  std::sort(c.codes_.begin(), c.codes_.end());
  c.codes_.erase(std::unique(c.codes_.begin(), c.codes_.end()), c.codes_.end());
  const size_t k = c.codes_.size();
  if (k == 0) return c;
  const size_t rows = size_t{1} << c.options_.hash_bits;

  struct Row {
    std::vector<uint32_t> features;
    size_t label;
    float weight;
  };
  if (options.words) {
    std::vector<uint64_t> keys;
    for (const Example& e : examples) {
      if (e.weight > 0) AddIcuWords(e.text, keys);
    }
    c.dictionary_ = BuildDictionary(std::move(keys));
  }
  std::vector<Row> data;
  for (const Example& e : examples) {
    if (!(e.weight > 0)) continue;
    Row row;
    ExtractFeatures(e.text, c.dictionary_, c.options_.hash_bits, row.features);
    row.label = std::lower_bound(c.codes_.begin(), c.codes_.end(), e.code) - c.codes_.begin();
    row.weight = static_cast<float>(e.weight);
    data.push_back(std::move(row));
  }
  c.weights_.assign(rows * k, 0.0f);
  c.bias_.assign(k, 0.0f);

  if (options.model == Model::kNaiveBayes) {
    std::vector<double> counts(rows * k, 0.0), totals(k, 0.0), documents(k, 0.0);
    for (const Row& r : data) {
      documents[r.label] += r.weight;
      for (uint32_t f : r.features) counts[size_t{f} * k + r.label] += r.weight;
      totals[r.label] += r.weight * static_cast<double>(r.features.size());
    }
    size_t vocabulary = 0;
    for (size_t f = 0; f < rows; ++f) {
      for (size_t j = 0; j < k; ++j) {
        if (counts[f * k + j] > 0) {
          ++vocabulary;
          break;
        }
      }
    }
    const double alpha = options.alpha > 0 ? options.alpha : 0.1;
    const double all = std::accumulate(documents.begin(), documents.end(), 0.0);
    for (size_t j = 0; j < k; ++j) {
      c.bias_[j] = static_cast<float>(std::log(documents[j] / all));
      const double denominator = std::log(totals[j] + alpha * static_cast<double>(vocabulary));
      for (size_t f = 0; f < rows; ++f) {
        c.weights_[f * k + j] = static_cast<float>(std::log(counts[f * k + j] + alpha) - denominator);
      }
    }
    return c;
  }

  // Multinomial logistic regression, averaged SGD: w_avg = w - u / t, where u sums each
  // update times the step it was made at (the weights averaged over every step).
  std::vector<float> sums(rows * k, 0.0f), bias_sums(k, 0.0f);
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), 0);
  uint64_t state = options.seed * 0x9E3779B97F4A7C15ULL + 1;
  std::vector<double> p(k);
  double t = 1;
  const double n = static_cast<double>(data.size());
  for (int epoch = 0; epoch < std::max(1, options.epochs); ++epoch) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[NextRandom(state) % i]);
    for (size_t index : order) {
      const Row& r = data[index];
      const float v = FeatureValue(Model::kLogistic, r.features.size());
      for (size_t j = 0; j < k; ++j) p[j] = c.bias_[j];
      for (uint32_t f : r.features) {
        const float* w = &c.weights_[size_t{f} * k];
        for (size_t j = 0; j < k; ++j) p[j] += v * w[j];
      }
      Softmax(p);
      const double rate = options.learning_rate / (1 + t / n);
      for (size_t j = 0; j < k; ++j) {
        const float g = static_cast<float>(rate * r.weight * ((j == r.label ? 1.0 : 0.0) - p[j]));
        p[j] = g;
        c.bias_[j] += g;
        bias_sums[j] += static_cast<float>(t) * g;
      }
      const float tf = static_cast<float>(t);
      for (uint32_t f : r.features) {
        float* w = &c.weights_[size_t{f} * k];
        float* u = &sums[size_t{f} * k];
        for (size_t j = 0; j < k; ++j) {
          const float d = v * static_cast<float>(p[j]);
          w[j] += d;
          u[j] += tf * d;
        }
      }
      t += 1;
    }
  }
  const float inverse = static_cast<float>(1 / t);
  for (size_t i = 0; i < c.weights_.size(); ++i) c.weights_[i] -= sums[i] * inverse;
  for (size_t j = 0; j < k; ++j) c.bias_[j] -= bias_sums[j] * inverse;
  return c;
}

size_t Classifier::DictionaryWords() const {
  return static_cast<size_t>(std::count_if(dictionary_.begin(), dictionary_.end(), [](uint64_t k) { return k != 0; }));
}

void Classifier::Score(std::string_view normalized, float* scores) const {
  thread_local std::vector<uint32_t> features;
  ExtractFeatures(normalized, dictionary_, options_.hash_bits, features);
  const size_t k = codes_.size();
  const float v = FeatureValue(options_.model, features.size());
  std::copy(bias_.begin(), bias_.end(), scores);
  for (uint32_t f : features) {
    const float* w = &weights_[size_t{f} * k];
    for (size_t j = 0; j < k; ++j) scores[j] += v * w[j];
  }
}

std::vector<Suggestion> Classifier::Classify(std::string_view normalized, size_t k) const {
  const size_t classes = codes_.size();
  if (classes == 0 || k == 0) return {};
  thread_local std::vector<float> scores;
  thread_local std::vector<double> p;
  thread_local std::vector<uint32_t> order;
  scores.resize(classes);
  Score(normalized, scores.data());
  p.assign(scores.begin(), scores.end());
  Softmax(p);
  order.resize(classes);
  std::iota(order.begin(), order.end(), 0u);
  k = std::min(k, classes);
  // Ties go to the earlier code, so the answer does not depend on the sort's whims.
  std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(k), order.end(),
                    [](uint32_t a, uint32_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
  std::vector<Suggestion> out;
  out.reserve(k);
  for (size_t i = 0; i < k; ++i) out.push_back({codes_[order[i]], p[order[i]]});
  return out;
}

}  // namespace tc::hotline
