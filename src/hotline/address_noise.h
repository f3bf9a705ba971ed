// Addresses as callers say them, made from the registry's own names with the usual
// noise: levels left out, suffixes dropped (朝阳 for 朝阳区), building numbers in other
// forms (5号楼, 五栋, 5幢), room numbers and landmarks added, and — when asked — one
// character of the compound's name wrong. For the synthetic requests (gen hotline),
// the address tests and the benchmark; each address comes with the area it names, so
// a resolver's answer can be scored. Pure; deterministic for a seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "hotline/address.h"

namespace tc::hotline {

struct NoisyAddress {
  std::string text;
  std::string expected_code;      // the deepest area the text names
  std::string expected_community;
  std::string kind;               // which noise was applied (for reports)
};

class AddressNoise {
 public:
  explicit AddressNoise(const std::vector<AddressArea>& areas);
  // An address of a random unit (or compound, when it has no buildings); `typo_share`
  // of them with one character of the compound's name replaced.
  NoisyAddress Make(std::mt19937_64& rng, double typo_share = 0.1) const;
  // The same for a given unit/building/compound index into the areas.
  NoisyAddress MakeFor(size_t area_index, std::mt19937_64& rng, double typo_share = 0.1) const;
  size_t Targets() const { return targets_.size(); }

 private:
  std::vector<AddressArea> areas_;
  std::vector<int32_t> parent_;
  std::vector<size_t> targets_;  // units, and compounds without buildings
};

}  // namespace tc::hotline
