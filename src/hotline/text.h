// The hotline's text normalisation: every reader of a request's text (the classifier,
// duplicate detection, search, the console) sees only the normalised form.
//
//   auto text = NormalizeText(body.text, "text");
//   if (!text.ok()) return text.status();   // InvalidArgument naming the field
//
// Thread-safe: the OpenCC converter is loaded once (on first use) and only read after.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace tc::hotline {

// Normalises free text as a 12345 request holds it:
//   1. invalid UTF-8 (overlong forms, surrogates, truncated sequences) → InvalidArgument
//      naming `field` and the byte offset;
//   2. full-width ASCII (U+FF01–U+FF5E: letters, digits, symbols) → half-width, except
//      the punctuation Chinese text writes full-width (，！？：；（）), which stays;
//   3. every run of whitespace and control characters (tab, CR/LF, NUL, U+3000 ideographic
//      space, NBSP, U+2000–U+200B, U+2028/2029, U+FEFF …) → one ASCII space; trimmed;
//   4. traditional Chinese → simplified (OpenCC t2s.json, phrases first; skipped when the
//      text holds no character OpenCC would change).
// Case is kept. Empty (or all-whitespace) text gives "" — the caller decides whether that
// is acceptable. Internal if OpenCC's data files cannot be loaded.
Result<std::string> NormalizeText(std::string_view text, std::string_view field);

}  // namespace tc::hotline
