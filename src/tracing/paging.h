// A venue visitors answer (sorted by arrival) turned into pages of people, as the
// API and the console list it: visits grouped by person id, each person's visits by
// arrival, the people after `after` up to `limit`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tracing/rules.h"

namespace tc::tracing {

struct PersonVisits {
  uint32_t person = 0;
  std::vector<Visit> visits;  // by arrival
};

struct PeoplePage {
  std::vector<PersonVisits> people;  // by person id, all > after, at most limit
  bool more = false;                 // people beyond the last one exist
};

PeoplePage PageByPerson(std::span<const Visit> visits, uint32_t after, size_t limit);

}  // namespace tc::tracing
