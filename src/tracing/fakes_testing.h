// For tests: a HouseholdSource from a map of person → household number.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <utility>

#include "tracing/queries.h"

namespace tc::tracing::fakes {

class MapHouseholds : public HouseholdSource {
 public:
  explicit MapHouseholds(std::map<uint32_t, uint32_t> household_of) : of_(std::move(household_of)) {}
  void Members(std::span<const uint32_t> persons, const std::function<void(uint32_t, uint32_t)>& fn) const override {
    for (uint32_t p : persons) {
      auto it = of_.find(p);
      if (it == of_.end()) continue;
      for (const auto& [q, h] : of_) {
        if (h == it->second && q != p) fn(p, q);
      }
    }
  }

 private:
  std::map<uint32_t, uint32_t> of_;
};

}  // namespace tc::tracing::fakes
