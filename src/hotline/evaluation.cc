#include "hotline/evaluation.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

#include "hotline/text.h"

namespace tc::hotline {
namespace {

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::vector<Accuracy> Sorted(std::map<std::string, Accuracy>& m) {
  std::vector<Accuracy> out;
  for (auto& [code, a] : m) out.push_back(std::move(a));
  return out;
}

}  // namespace

std::string_view TopLevel(std::string_view code) { return code.substr(0, code.find('.')); }

Evaluation Evaluate(const Classifier& model, std::span<const Example> test) {
  Evaluation e;
  e.overall.code = "all";
  std::map<std::string, Accuracy> leaves, categories;
  std::map<std::pair<std::string, std::string>, int> confusions;
  std::chrono::steady_clock::duration spent{};
  size_t characters = 0;
  for (const Example& x : test) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<Suggestion> top = model.Classify(x.text, 3);
    spent += std::chrono::steady_clock::now() - start;
    characters += CodePoints(x.text);
    const std::string category(TopLevel(x.code));
    bool leaf1 = !top.empty() && top[0].code == x.code;
    bool leaf3 = std::any_of(top.begin(), top.end(), [&](const Suggestion& s) { return s.code == x.code; });
    bool category1 = !top.empty() && TopLevel(top[0].code) == category;
    bool category3 =
        std::any_of(top.begin(), top.end(), [&](const Suggestion& s) { return TopLevel(s.code) == category; });
    for (auto [a, hit1, hit3] : {std::tuple{&leaves[x.code], leaf1, leaf3},
                                 std::tuple{&categories[category], category1, category3},
                                 std::tuple{&e.overall, leaf1, leaf3}}) {
      ++a->n;
      a->top1 += hit1;
      a->top3 += hit3;
    }
    leaves[x.code].code = x.code;
    categories[category].code = category;
    if (!leaf1) ++confusions[{x.code, top.empty() ? std::string("(none)") : top[0].code}];
  }
  e.leaves = Sorted(leaves);
  e.categories = Sorted(categories);
  for (auto& [pair, count] : confusions) e.confusions.push_back({pair.first, pair.second, count});
  std::stable_sort(e.confusions.begin(), e.confusions.end(),
                   [](const Confusion& a, const Confusion& b) { return a.count > b.count; });
  if (!test.empty()) {
    e.micros_per_text = std::chrono::duration<double, std::micro>(spent).count() / static_cast<double>(test.size());
    e.mean_characters = static_cast<double>(characters) / static_cast<double>(test.size());
  }
  return e;
}

Result<std::vector<Example>> ParseLabelledTsv(std::string_view content, std::string_view name) {
  std::vector<Example> out;
  size_t line_number = 0;
  bool header = true;
  while (!content.empty()) {
    const size_t eol = content.find('\n');
    std::string_view line = content.substr(0, eol);
    content = eol == std::string_view::npos ? std::string_view() : content.substr(eol + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_number == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // BOM
    const std::string where = std::string(name) + " line " + std::to_string(line_number);
    if (header) {
      if (line != "code\ttext") return InvalidArgument(where + ": the header must be 'code<TAB>text'");
      header = false;
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return InvalidArgument(where + ": no tab between code and text");
    std::string_view code = line.substr(0, tab);
    if (code.empty()) return InvalidArgument(where + ": empty code");
    auto text = NormalizeText(line.substr(tab + 1), where + " text");
    if (!text.ok()) return text.status();
    if (text->empty()) return InvalidArgument(where + ": empty text");
    out.push_back({std::string(code), std::move(*text)});
  }
  if (header) return InvalidArgument(std::string(name) + ": empty file (no header line)");
  return out;
}

}  // namespace tc::hotline
