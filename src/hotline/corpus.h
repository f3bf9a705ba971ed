// The hotline's default taxonomy and training corpus, embedded in the binary at build
// time from src/hotline/data (taxonomy.json, corpus/<leaf code>.txt), and the
// deterministic held-out split the classifier is measured on and never trained on.
// Thread-safe (everything here is read-only).
#pragma once

#include <string_view>
#include <vector>

#include "hotline/classifier.h"

namespace tc::hotline {

// src/hotline/data/taxonomy.json as it was at build time.
std::string_view TaxonomyJson();

// Every corpus line, normalised (NormalizeText) and labelled by its file's code, in file
// and line order. Blank lines are skipped; a line that does not normalise (invalid UTF-8)
// is skipped too (corpus_test fails on it).
std::vector<Example> CorpusExamples();

// Whether a text belongs to the held-out split: a fixed hash of its normalised bytes puts
// about 20 % of texts there, the same ones on every build and machine. Identical texts
// fall on the same side, so a duplicate can never leak from training into the test.
bool IsHeldOut(std::string_view normalized);

// CorpusExamples() without (TrainingExamples) or only (HeldOutExamples) the held-out split.
std::vector<Example> TrainingExamples();
std::vector<Example> HeldOutExamples();

}  // namespace tc::hotline
