// The hotline's trainable text classifier: request text → top-k category codes with
// scores.
//
//   Classifier model = Classifier::Train(examples);          // pure, deterministic
//   for (auto& s : model.Classify(*NormalizeText(text, "text"))) Show(s.code, s.score);
//
// Features: the text's character 1–3-grams and its words, ASCII lower-cased, digit runs
// folded to one "0", never crossing punctuation or spaces; all hashed into a fixed table
// of 2^hash_bits rows (one row = one weight per class). Words: Train segments the
// training texts with ICU's dictionary word breaker (zh) and keeps the words it found
// (2–6 characters) as the model's own dictionary; every text, in training and in
// Classify, is then segmented by forward maximum matching against that dictionary —
// ICU's words, at a tenth of ICU's cost (words outside it would carry no weight anyway). Models: multinomial logistic regression trained by
// averaged SGD (the default: better on the held-out split, see docs/hotline.md) or
// multinomial naive Bayes. A trained Classifier is immutable: Classify is thread-safe
// and allocates only its answer once the calling thread has classified one text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tc::hotline {

// One labelled text. `text` must be normalised (NormalizeText); `weight` scales the
// example's pull on the model (an agent's override can count more than a corpus line);
// examples of weight <= 0 are ignored.
struct Example {
  std::string code;
  std::string text;
  double weight = 1;
};

// A suggested category: `score` in [0, 1], the model's probability of the code; the
// scores of one answer sum to at most 1.
struct Suggestion {
  std::string code;
  double score = 0;
};

enum class Model { kLogistic, kNaiveBayes };
const char* ModelName(Model model);

struct TrainOptions {
  Model model = Model::kLogistic;
  bool words = true;       // word features (dictionary from ICU) besides the character n-grams
  int hash_bits = 18;      // rows of the feature table: 2^hash_bits
  int epochs = 30;         // logistic: passes over the examples
  double learning_rate = 2.0;  // logistic: initial SGD step (decays as 1/(1 + t/n))
  double alpha = 0.1;      // naive Bayes: additive smoothing
  uint64_t seed = 1;       // logistic: the shuffle's seed (same seed, same model)
};

class Classifier {
 public:
  // An untrained classifier: no classes, Classify answers nothing.
  Classifier() = default;

  // Trains on `examples` (labels are the distinct codes; order does not matter for the
  // classes, which are sorted). Pure and deterministic: the same examples and options in
  // the same order give the same model, bit for bit.
  static Classifier Train(std::span<const Example> examples, const TrainOptions& options = {});

  // The k most likely codes for a normalised text, best first (fewer if there are fewer
  // classes). Empty text still answers: the classes' prior.
  std::vector<Suggestion> Classify(std::string_view normalized, size_t k = 3) const;

  size_t Classes() const { return codes_.size(); }
  const std::vector<std::string>& Codes() const { return codes_; }  // sorted
  Model model() const { return options_.model; }
  size_t DictionaryWords() const;  // words in the model's own dictionary (0 without words)

 private:
  // Scores (logits) of every class into `scores` (size Classes()).
  void Score(std::string_view normalized, float* scores) const;

  TrainOptions options_;
  std::vector<std::string> codes_;
  std::vector<float> weights_;  // row-major: (1 << hash_bits) rows × Classes() columns
  std::vector<float> bias_;     // per class
  std::vector<uint64_t> dictionary_;  // word keys, open addressing (0 = empty); empty = no words
};

}  // namespace tc::hotline
