// Measuring the hotline classifier: top-1 and top-3 accuracy per leaf code, per
// top-level category and overall, the confusions that cost most, and the time per
// Classify. `tongchou hotline eval` prints it for the held-out split and for an
// independent test file.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "hotline/classifier.h"

namespace tc::hotline {

struct Accuracy {
  std::string code;  // a leaf code, a top-level category ("market"), or "all"
  int n = 0;
  int top1 = 0;  // the right code first
  int top3 = 0;  // the right code among the first three
  double Top1() const { return n ? static_cast<double>(top1) / n : 0; }
  double Top3() const { return n ? static_cast<double>(top3) / n : 0; }
};

struct Confusion {
  std::string truth;
  std::string predicted;  // the wrong first suggestion
  int count = 0;
};

struct Evaluation {
  std::vector<Accuracy> leaves;      // by code
  std::vector<Accuracy> categories;  // by top-level code (before the first '.'): a hit is
                                     // a suggestion in the right category
  Accuracy overall;
  std::vector<Confusion> confusions;  // most frequent first
  double micros_per_text = 0;         // mean wall time of one Classify
  double mean_characters = 0;         // mean length of the texts, in code points
};

// The top-level category of a code: "market.prices" → "market", "heating" → "heating".
std::string_view TopLevel(std::string_view code);

// Classifies every example's text (already normalised) and tallies the answers.
Evaluation Evaluate(const Classifier& model, std::span<const Example> test);

// Reads a labelled test file: UTF-8, a header line `code<TAB>text`, then one
// `<code>\t<text>` per line (blank lines skipped). Texts are normalised; a line without
// a tab, with an empty code or text, or with invalid UTF-8 is an InvalidArgument naming
// `name` and the line number.
Result<std::vector<Example>> ParseLabelledTsv(std::string_view content, std::string_view name);

}  // namespace tc::hotline
