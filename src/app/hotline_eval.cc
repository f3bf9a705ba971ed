// `tongchou hotline eval`: the classifier's quality on the corpus's held-out split and,
// given one, an independent labelled file; both models side by side, then the default
// model's details.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/app.h"
#include "hotline/classifier.h"
#include "hotline/corpus.h"
#include "hotline/evaluation.h"
#include "hotline/text.h"

namespace tc::app {
namespace {

using hotline::Accuracy;
using hotline::Classifier;
using hotline::Evaluation;

void PrintRow(const Accuracy& a) {
  std::printf("  %-24s %5d  %6.1f %%  %6.1f %%\n", a.code.c_str(), a.n, 100 * a.Top1(), 100 * a.Top3());
}

void PrintDetails(const char* title, const Evaluation& e, int confusions) {
  std::printf("\n== %s: %d texts, mean %.0f characters ==\n", title, e.overall.n, e.mean_characters);
  std::printf("  %-24s %5s  %8s  %8s\n", "leaf", "n", "top-1", "top-3");
  for (const auto& a : e.leaves) PrintRow(a);
  std::printf("  %-24s %5s  %8s  %8s\n", "category", "n", "top-1", "top-3");
  for (const auto& a : e.categories) PrintRow(a);
  PrintRow(e.overall);
  std::printf("  confusions that cost most (truth -> first suggestion):\n");
  for (int i = 0; i < confusions && i < static_cast<int>(e.confusions.size()); ++i) {
    const auto& c = e.confusions[i];
    std::printf("    %3d  %s -> %s\n", c.count, c.truth.c_str(), c.predicted.c_str());
  }
}

// Texts of exactly `length` code points cut from the concatenated examples.
std::vector<std::string> Windows(const std::vector<hotline::Example>& examples, size_t length, size_t count) {
  std::string all;
  for (const auto& e : examples) all += e.text;
  std::vector<std::string> out;
  size_t pos = 0;
  while (out.size() < count && pos < all.size()) {
    size_t end = pos, n = 0;
    while (end < all.size() && n < length) {
      ++end;
      while (end < all.size() && (static_cast<unsigned char>(all[end]) & 0xC0) == 0x80) ++end;
      ++n;
    }
    if (n < length) break;
    out.push_back(all.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

// Mean microseconds of f over the texts, repeated until at least 0.2 s have passed.
template <typename F>
double MicrosPerCall(const std::vector<std::string>& texts, F&& f) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  size_t calls = 0;
  while (calls == 0 || Clock::now() - start < std::chrono::milliseconds(200)) {
    for (const auto& t : texts) f(t);
    calls += texts.size();
  }
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / static_cast<double>(calls);
}

}  // namespace

int RunHotlineEval(const HotlineEvalOptions& o) {
  std::vector<hotline::Example> independent;
  if (!o.independent.empty()) {
    std::ifstream in(o.independent, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "tongchou hotline eval: cannot read %s\n", o.independent.c_str());
      return 2;
    }
    std::stringstream content;
    content << in.rdbuf();
    auto parsed = hotline::ParseLabelledTsv(content.str(), o.independent);
    if (!parsed.ok()) {
      std::fprintf(stderr, "tongchou hotline eval: %s\n", parsed.status().ToString().c_str());
      return 2;
    }
    independent = std::move(*parsed);
  }
  const auto training = hotline::TrainingExamples();
  const auto held_out = hotline::HeldOutExamples();
  std::printf("corpus: %zu texts, %zu trained on, %zu held out (never trained on)\n", training.size() + held_out.size(),
              training.size(), held_out.size());
  const hotline::TrainOptions defaults;
  std::printf("%-12s %-6s %9s  %15s  %15s  %10s\n", "model", "words", "train ms", "held-out 1/3", "independent 1/3",
              "us/text");
  Classifier chosen;
  for (auto model : {hotline::Model::kLogistic, hotline::Model::kNaiveBayes}) {
    for (bool words : {true, false}) {
      hotline::TrainOptions options = defaults;
      options.model = model;
      options.words = words;
      const auto start = std::chrono::steady_clock::now();
      Classifier c = Classifier::Train(training, options);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      Evaluation h = hotline::Evaluate(c, held_out);
      Evaluation i = hotline::Evaluate(c, independent);
      const bool is_default = model == defaults.model && words == defaults.words;
      std::printf("%-12s %-6s %9.0f  %6.1f / %5.1f  %6.1f / %5.1f  %10.1f%s\n", hotline::ModelName(model),
                  words ? "yes" : "no", ms, 100 * h.overall.Top1(), 100 * h.overall.Top3(), 100 * i.overall.Top1(),
                  100 * i.overall.Top3(), h.micros_per_text, is_default ? "  (default)" : "");
      if (is_default) chosen = std::move(c);
    }
  }
  std::printf("(%% top-1 / top-3; us/text: one Classify on the held-out texts, this machine)\n");
  const auto windows = Windows(held_out, 100, 200);
  if (!windows.empty()) {
    size_t sink = 0;
    const double classify = MicrosPerCall(windows, [&](const std::string& t) { sink += chosen.Classify(t).size(); });
    const double normalize = MicrosPerCall(windows, [&](const std::string& t) {
      sink += hotline::NormalizeText(t, "text")->size();
    });
    std::printf("100-character texts (%zu cut from the held-out split): Classify %.1f us, NormalizeText %.1f us "
                "(simplified input)%s\n",
                windows.size(), classify, normalize, sink ? "" : " ");
  }
  std::printf("default model: %s, %zu classes, %zu dictionary words (ICU on the training texts)\n",
              hotline::ModelName(chosen.model()), chosen.Classes(), chosen.DictionaryWords());
  PrintDetails("held-out split, default model", hotline::Evaluate(chosen, held_out), o.confusions);
  if (!independent.empty()) {
    PrintDetails(("independent file " + o.independent + ", default model").c_str(),
                 hotline::Evaluate(chosen, independent), o.confusions);
  }
  return 0;
}

}  // namespace tc::app
