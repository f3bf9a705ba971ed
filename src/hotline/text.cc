#include "hotline/text.h"

#include <opencc/DictEntry.hpp>
#include <opencc/Lexicon.hpp>
#include <opencc/MarisaDict.hpp>
#include <opencc/SimpleConverter.hpp>

#include <cstdio>
#include <exception>
#include <memory>
#include <vector>

#include "hotline/internal/utf8.h"

#ifndef TC_OPENCC_DATA_DIR
#define TC_OPENCC_DATA_DIR "/usr/share/opencc"
#endif

namespace tc::hotline {
namespace {

using internal::AppendUtf8;
using internal::DecodeUtf8;

constexpr int32_t kMaxCodePoint = 0x10FFFF;

// OpenCC's traditional→simplified converter, loaded once, and the code points that can
// make it change a text. OpenCC converts a text as the concatenation of its segments'
// dictionary values (a phrase of TSPhrases, else one character of TSCharacters), so a
// text with no TSCharacters key and no first character of a changing TSPhrases entry
// free of such keys comes back unchanged: such texts (almost every simplified one) skip
// the conversion, 30–50 µs a text.
struct T2s {
  std::unique_ptr<opencc::SimpleConverter> converter;
  std::vector<bool> triggers;  // indexed by code point; empty = convert every text
  Status error;

  bool MayChange(std::string_view text) const {
    if (triggers.empty()) return true;
    for (size_t pos = 0; pos < text.size();) {
      const int32_t cp = DecodeUtf8(text, &pos);
      if (cp >= 0x80 && triggers[cp]) return true;
    }
    return false;
  }
};

std::vector<std::string_view> SplitCodePoints(std::string_view key) {
  std::vector<std::string_view> out;
  for (size_t pos = 0; pos < key.size();) {
    const size_t start = pos;
    if (DecodeUtf8(key, &pos) < 0) return {};
    out.push_back(key.substr(start, pos - start));
  }
  return out;
}

// The trigger set from the two dictionaries t2s.json names; empty if either is missing.
std::vector<bool> LoadTriggers(const std::string& dir) {
  std::vector<bool> triggers(kMaxCodePoint + 1, false);
  auto load = [&dir](const char* name) -> opencc::LexiconPtr {
    FILE* fp = std::fopen((dir + "/" + name).c_str(), "rb");
    if (fp == nullptr) return nullptr;
    auto dict = opencc::MarisaDict::NewFromFile(fp);
    std::fclose(fp);
    return dict->GetLexicon();
  };
  auto first = [](std::string_view s) {
    size_t pos = 0;
    return s.empty() ? -1 : DecodeUtf8(s, &pos);
  };
  auto characters = load("TSCharacters.ocd2");
  auto phrases = load("TSPhrases.ocd2");
  if (!characters || !phrases) return {};
  for (size_t i = 0; i < characters->Length(); ++i) {
    const int32_t cp = first(characters->At(i)->Key());
    if (cp < 0) return {};
    triggers[cp] = true;
  }
  // A phrase that changes a text with none of those characters (沈默 → 沉默): every
  // text it matches in holds its first character.
  for (size_t i = 0; i < phrases->Length(); ++i) {
    const auto* entry = phrases->At(i);
    // Key() returns a copy: keep it alive while its characters are looked at (views
    // into the temporary read freed memory, and a garbage code point wrote outside
    // `triggers`, corrupting the heap).
    const std::string key = entry->Key();
    if (entry->GetDefault() == key) continue;
    const auto characters_of_key = SplitCodePoints(key);
    if (characters_of_key.empty()) return {};
    bool covered = false;
    for (std::string_view c : characters_of_key) {
      const int32_t cp = first(c);
      if (cp < 0) return {};
      covered = covered || triggers[cp];
    }
    if (!covered) triggers[first(characters_of_key[0])] = true;
  }
  return triggers;
}

const T2s& Converter() {
  static const T2s* t2s = [] {
    auto* t = new T2s;
    const std::string dir = TC_OPENCC_DATA_DIR;
    try {
      t->converter = std::make_unique<opencc::SimpleConverter>(dir + "/t2s.json");
      t->triggers = LoadTriggers(dir);
    } catch (const std::exception& e) {
      t->converter.reset();
      t->error = Internal("OpenCC t2s.json could not be loaded from " + dir + ": " + e.what());
    }
    return t;
  }();
  return *t2s;
}

// Whitespace and controls that fold into one space.
bool IsSpace(int32_t cp) {
  return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Invisible characters dropped outright (zero-width space, word joiner, BOM).
bool IsInvisible(int32_t cp) { return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF; }

// Full-width forms that are Chinese text's own punctuation (，！？：；（）): kept.
bool IsChinesePunctuation(int32_t cp) {
  return cp == 0xFF0C || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1A || cp == 0xFF1B || cp == 0xFF08 ||
         cp == 0xFF09;
}

}  // namespace

Result<std::string> NormalizeText(std::string_view text, std::string_view field) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (size_t pos = 0; pos < text.size();) {
    const size_t at = pos;
    int32_t cp = DecodeUtf8(text, &pos);
    if (cp < 0) {
      return FieldInvalid(std::string(field), "is not valid UTF-8 (byte " + std::to_string(at) + ")");
    }
    if (IsInvisible(cp)) continue;
    if (IsSpace(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E && !IsChinesePunctuation(cp)) cp -= 0xFEE0;  // full-width → ASCII
    if (pending_space) out.push_back(' ');
    pending_space = false;
    AppendUtf8(out, cp);
  }
  const T2s& t2s = Converter();
  if (!t2s.error.ok()) return t2s.error;
  if (!t2s.MayChange(out)) return out;
  return t2s.converter->Convert(out.data(), out.size());
}

}  // namespace tc::hotline
