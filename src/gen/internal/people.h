// Synthetic residents: household sizes, ages, sexes, names, ID numbers, phones and
// care tags with the structure of a Chinese city (2020 census: ages 0–14 17.95%,
// 15–59 63.35%, 60+ 18.70%; mean family household 2.62). Ages are as of the
// reference date 2022-03-01. Every ID number is unique and valid (GB 11643), every
// phone unique and valid. Not thread-safe: one People per generation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gen/internal/rng.h"

namespace tc::gen::internal {

inline constexpr int kReferenceYear = 2022, kReferenceMonth = 3, kReferenceDay = 1;
inline constexpr int kReferenceYmd = 20220301;
inline constexpr int kMaxAge = 100;

struct Person {
  std::string name;
  std::string id_number;
  std::string phone;       // "" for children under 12 and some of the very old
  std::string birth_date;  // YYYY-MM-DD
  bool male = false;
  int age = 0;       // completed years on the reference date
  int64_t tags = 0;  // registry::CareTag bits
};

// The target age distribution (single years 0..kMaxAge, summing to 1).
const std::vector<double>& TargetAgeShares();

class People {
 public:
  // home_regions: the 6-digit division codes residents are mostly registered in
  // (one per district); seed varies the phone numbers.
  People(std::vector<std::string> home_regions, uint64_t seed);

  // 1–6 with the census shares (1: 24%, 2: 28%, 3: 24%, 4: 14%, 5: 7%, 6: 3%).
  static int HouseholdSize(Rng& rng);
  // Appends the members of one household, the first an adult (≥ 18) head.
  void Household(Rng& rng, int size, size_t home_region, std::vector<Person>& out);

  // A phone from a range disjoint from residents' (for 包保 cadres).
  std::string CadrePhone();

 private:
  int SampleAge(Rng& rng, const Discrete& d) const { return static_cast<int>(d.Sample(rng)); }
  void Fill(Rng& rng, Person& p, int household_size, size_t home_region);
  std::string IdNumber(size_t region, int64_t birth_day, bool male, int64_t& used_day);
  std::string Phone(uint64_t ordinal) const;

  std::vector<std::string> regions_;  // home regions first, then other provinces'
  size_t home_count_;
  Discrete other_region_;
  Discrete head_age_, other_age_, adult_age_;
  std::vector<Discrete> child_age_;              // [k]: other members' ages limited to 0..k
  std::vector<uint16_t> male_seq_, female_seq_;  // per (region, birth day): IDs issued
  uint64_t phone_keys_[4];                       // Feistel round keys
  uint64_t next_phone_ = 0;
  uint64_t next_cadre_phone_ = 0;
};

}  // namespace tc::gen::internal
