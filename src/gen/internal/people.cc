#include "gen/internal/people.h"

#include "base/time.h"

#include <algorithm>

#include "gen/internal/names.h"
#include "registry/id_number.h"
#include "registry/residents.h"

namespace tc::gen::internal {
namespace {

constexpr double kHouseholdSizeShares[] = {0, 0.24, 0.28, 0.24, 0.14, 0.07, 0.03};
constexpr double kSpouseShare[] = {0, 0, 0.75, 0.9, 0.9, 0.9, 0.9};  // by household size
constexpr double kMaleHeadShare = 0.58;
constexpr double kMaleShare = 0.51;          // of members other than head and spouse
constexpr double kHomeRegionShare = 0.90;    // registered in their own district
constexpr double kSameSurnameAsHead = 0.75;  // children and the head's parents
constexpr int kAdultAge = 18;
constexpr int kMinParentGap = 20;  // a child living with the head is this much younger
constexpr int kCalibrationRounds = 200;
constexpr uint16_t kIdsPerSexAndDay = 500;  // 顺序码 000–999, odd for men
// Phones: everyone from 12, but not all of the very old.
constexpr int kPhoneAge = 12, kVeryOldAge = 80;
constexpr double kVeryOldPhoneShare = 0.65;
// Care tags (重点人群): rates among the old (60+) and the younger; overall about
// chronic 7%, disability 6%, severe illness 0.5%; pregnant 2% of women 20–40.
constexpr int kOldAge = 60, kElderlyAloneAge = 65;
constexpr double kChronicOld = 0.25, kChronicAdult = 0.04, kChronicChild = 0.005;
constexpr int kPregnantMinAge = 20, kPregnantMaxAge = 40;
constexpr double kPregnantShare = 0.02;
constexpr double kDisabilityOld = 0.125, kDisabilityYounger = 0.045;
constexpr double kSevereIllnessOld = 0.014, kSevereIllnessYounger = 0.003;
constexpr int kBedriddenIllAge = 70, kBedriddenDisabledAge = 85;

// 5-year age groups: relative size per single year (a north-east Chinese city in 2022:
// few births lately, the 1962–75 and 1985–90 cohorts large). Scaled per bracket below.
constexpr double kGroupWeights[] = {0.72, 0.95, 0.98,                                      // 0–14
                                    0.80, 0.95, 1.05, 1.40, 1.20, 1.05, 1.35, 1.55, 1.45,  // 15–59
                                    1.30, 1.05, 0.70, 0.45, 0.28, 0.14, 0.05, 0.012};      // 60–100
constexpr double kShare0to14 = 0.1795, kShare15to59 = 0.6335, kShare60plus = 0.1870;

// GB/T 2260 county-level codes of other places residents were registered at birth.
struct OtherRegion {
  const char* code;
  double weight;
};
constexpr OtherRegion kOtherRegions[] = {
    {"220202", 3},   {"220302", 2},   {"220402", 1},   {"220502", 1},   {"220602", 1},   {"220702", 2},
    {"220802", 1},   {"222401", 2},   {"230102", 2},   {"230202", 1},   {"210102", 2},   {"210202", 1},
    {"150102", 1},   {"110105", 1},   {"120101", 0.5}, {"130102", 0.5}, {"140105", 0.5}, {"310101", 0.5},
    {"320102", 0.5}, {"330106", 0.5}, {"370102", 1},   {"410105", 0.5}, {"420106", 0.5}, {"510104", 0.5}};

// Phones: 13000000000 + P(ordinal), P a keyed pseudo-random permutation of
// [0, kPhoneRange): a 4-round Feistel network on 34 bits, cycle-walked into range.
// Distinct ordinals give distinct phones, and neighbours look unrelated.
constexpr uint64_t kPhoneBase = 13'000'000'000ULL;
constexpr uint64_t kPhoneRange = 7'000'000'000ULL;          // 13000000000..19999999999
constexpr uint64_t kCadrePhoneOrdinals = 6'000'000'000ULL;  // cadres' ordinals start here
constexpr int kHalfBits = 17;
constexpr uint64_t kHalfMask = (1ULL << kHalfBits) - 1;

const int64_t kFirstDay = DaysFromCivil(kReferenceYear - kMaxAge - 1, 1, 1).value();
const int64_t kReferenceDays = DaysFromCivil(kReferenceYear, kReferenceMonth, kReferenceDay).value();
const int64_t kDaySpan = kReferenceDays - kFirstDay + 1;

std::vector<double> BuildTargetAges() {
  std::vector<double> ages(kMaxAge + 1);
  for (int a = 0; a <= kMaxAge; ++a) ages[a] = kGroupWeights[std::min(a / 5, 19)];
  auto scale = [&](int lo, int hi, double share) {
    double sum = 0;
    for (int a = lo; a <= hi; ++a) sum += ages[a];
    for (int a = lo; a <= hi; ++a) ages[a] *= share / sum;
  };
  scale(0, 14, kShare0to14);
  scale(15, 59, kShare15to59);
  scale(60, kMaxAge, kShare60plus);
  return ages;
}

// Heads: adults, fewer of them very young.
std::vector<double> HeadAges(const std::vector<double>& target) {
  std::vector<double> head(target.size(), 0.0);
  double sum = 0;
  for (int a = kAdultAge; a <= kMaxAge; ++a) {
    head[a] = target[a] * std::min(1.0, (a - 17) / 12.0);
    sum += head[a];
  }
  for (double& x : head) x /= sum;
  return head;
}

// Spouse age offsets from the head: a husband is a little older than his wife.
int SpouseOffset(Rng& rng, bool head_male) { return head_male ? -rng.Range(-1, 5) : rng.Range(-1, 5); }

// The oldest child (under 18) that fits a head aged h, or -1 if none does.
int MaxChildAge(int head_age) { return std::min(kAdultAge - 1, head_age - kMinParentGap); }

// Adds to `out` the expected ages of one other member of a household whose head is
// h, `weight` times, as People::Household draws them: an age from `rest`, and a
// child too old for the head redrawn among the children who fit (or among adults).
void AddOtherMember(const std::vector<double>& rest, int h, double weight, std::vector<double>& out) {
  const int max_child = MaxChildAge(h);
  double misfit = 0;
  for (int a = 0; a <= kMaxAge; ++a) {
    if (a < kAdultAge && a > max_child)
      misfit += rest[a];
    else
      out[a] += weight * rest[a];
  }
  if (misfit == 0) return;
  const int lo = max_child >= 0 ? 0 : kAdultAge, hi = max_child >= 0 ? max_child : kMaxAge;
  double mass = 0;
  for (int a = lo; a <= hi; ++a) mass += rest[a];
  for (int a = lo; a <= hi; ++a) out[a] += weight * misfit * rest[a] / mass;
}

// The age distribution of members other than head and spouse, calibrated so the
// expected ages of the whole population equal the target at every single year.
std::vector<double> OtherMemberAges(const std::vector<double>& target, const std::vector<double>& head) {
  double mean_size = 0, spouse_rate = 0;
  for (int s = 1; s <= 6; ++s) {
    mean_size += s * kHouseholdSizeShares[s];
    spouse_rate += kSpouseShare[s] * kHouseholdSizeShares[s];
  }
  const double other_rate = mean_size - 1 - spouse_rate;
  std::vector<double> spouse(target.size(), 0.0);
  for (int a = kAdultAge; a <= kMaxAge; ++a) {
    for (int d = -1; d <= 5; ++d) {
      spouse[std::clamp(a - d, kAdultAge, kMaxAge)] += head[a] * kMaleHeadShare / 7;
      spouse[std::clamp(a + d, kAdultAge, kMaxAge)] += head[a] * (1 - kMaleHeadShare) / 7;
    }
  }
  std::vector<double> rest(target.size(), 1.0 / static_cast<double>(target.size()));
  for (int round = 0; round < kCalibrationRounds; ++round) {
    std::vector<double> expected(target.size());
    for (size_t a = 0; a < target.size(); ++a) expected[a] = head[a] + spouse_rate * spouse[a];
    for (int h = kAdultAge; h <= kMaxAge; ++h) AddOtherMember(rest, h, other_rate * head[h], expected);
    double sum = 0;
    for (size_t a = 0; a < target.size(); ++a) {
      if (expected[a] > 0) rest[a] *= mean_size * target[a] / expected[a];
      sum += rest[a];
    }
    for (double& x : rest) x /= sum;
  }
  return rest;
}

void Append2(std::string& s, int v) {
  s += static_cast<char>('0' + v / 10);
  s += static_cast<char>('0' + v % 10);
}

}  // namespace



const std::vector<double>& TargetAgeShares() {
  static const std::vector<double> ages = BuildTargetAges();
  return ages;
}

People::People(std::vector<std::string> home_regions, uint64_t seed)
    : regions_(std::move(home_regions)), home_count_(regions_.size()) {
  std::vector<double> weights;
  for (const auto& r : kOtherRegions) {
    regions_.emplace_back(r.code);
    weights.push_back(r.weight);
  }
  other_region_ = Discrete(weights);
  const auto head = HeadAges(TargetAgeShares());
  head_age_ = Discrete(head);
  const auto others = OtherMemberAges(TargetAgeShares(), head);
  other_age_ = Discrete(others);
  for (int max_age = 0; max_age < kAdultAge; ++max_age) {
    child_age_.emplace_back(std::vector<double>(others.begin(), others.begin() + max_age + 1));
  }
  std::vector<double> adults = others;
  std::fill(adults.begin(), adults.begin() + kAdultAge, 0.0);
  adult_age_ = Discrete(adults);
  male_seq_.assign(regions_.size() * static_cast<size_t>(kDaySpan), 0);
  female_seq_.assign(male_seq_.size(), 0);
  uint64_t s = seed ^ 0x70686F6E65ULL;  // "phone"
  for (uint64_t& key : phone_keys_) key = SplitMix64(s);
}

int People::HouseholdSize(Rng& rng) {
  static const Discrete sizes(std::vector<double>(std::begin(kHouseholdSizeShares), std::end(kHouseholdSizeShares)));
  return static_cast<int>(sizes.Sample(rng));
}

void People::Household(Rng& rng, int size, size_t home_region, std::vector<Person>& out) {
  const size_t first = out.size();
  Person& head = out.emplace_back();
  head.male = rng.Chance(kMaleHeadShare);
  head.age = SampleAge(rng, head_age_);
  const std::string_view head_surname = Surname(rng);
  head.name = std::string(head_surname) + GivenName(rng, head.male);
  const bool head_male = head.male;
  const int head_age = head.age;
  int members = 1;
  if (size >= 2 && rng.Chance(kSpouseShare[std::min(size, 6)])) {
    Person& spouse = out.emplace_back();
    spouse.male = !head_male;
    spouse.age = std::clamp(head_age + SpouseOffset(rng, head_male), kAdultAge, kMaxAge);
    spouse.name = PersonName(rng, spouse.male);
    ++members;
  }
  for (; members < size; ++members) {
    Person& p = out.emplace_back();
    p.male = rng.Chance(kMaleShare);
    p.age = SampleAge(rng, other_age_);
    const int max_child = MaxChildAge(head_age);
    if (p.age < kAdultAge && p.age > max_child) {
      p.age = max_child >= 0 ? SampleAge(rng, child_age_[max_child]) : SampleAge(rng, adult_age_);
    }
    p.name = rng.Chance(kSameSurnameAsHead) ? std::string(head_surname) : std::string(Surname(rng));
    p.name += GivenName(rng, p.male);
  }
  for (size_t i = first; i < out.size(); ++i) Fill(rng, out[i], size, home_region);
}

void People::Fill(Rng& rng, Person& p, int household_size, size_t home_region) {
  // Born in the year before the birthday that gives this age on the reference date.
  const int64_t hi = DaysFromCivil(kReferenceYear - p.age, kReferenceMonth, kReferenceDay).value();
  const int64_t lo = DaysFromCivil(kReferenceYear - p.age - 1, kReferenceMonth, kReferenceDay).value();
  int64_t day = lo + 1 + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(hi - lo)));
  const size_t region = rng.Chance(kHomeRegionShare) ? home_region : home_count_ + other_region_.Sample(rng);
  p.id_number = IdNumber(region, day, p.male, day);
  int y, m, d;
  CivilFromDays(day, y, m, d);
  p.birth_date.reserve(10);
  p.birth_date = std::to_string(y);
  p.birth_date += '-';
  Append2(p.birth_date, m);
  p.birth_date += '-';
  Append2(p.birth_date, d);

  if (p.age >= kPhoneAge && (p.age < kVeryOldAge || rng.Chance(kVeryOldPhoneShare))) p.phone = Phone(next_phone_++);

  const bool old = p.age >= kOldAge;
  if (household_size == 1 && p.age >= kElderlyAloneAge) p.tags |= registry::kElderlyAlone;
  if (rng.Chance(old ? kChronicOld : p.age >= kAdultAge ? kChronicAdult : kChronicChild)) p.tags |= registry::kChronic;
  if (!p.male && p.age >= kPregnantMinAge && p.age <= kPregnantMaxAge && rng.Chance(kPregnantShare)) {
    p.tags |= registry::kPregnant;
  }
  if (rng.Chance(old ? kDisabilityOld : kDisabilityYounger)) p.tags |= registry::kDisability;
  if (rng.Chance(old ? kSevereIllnessOld : kSevereIllnessYounger)) p.tags |= registry::kSevereIllness;
  // Bedridden (home sampling in a testing round): derived, drawing nothing, so the
  // rest of the city stays as it was.
  if (((p.tags & registry::kSevereIllness) && p.age >= kBedriddenIllAge) ||
      ((p.tags & registry::kDisability) && p.age >= kBedriddenDisabledAge)) {
    p.tags |= registry::kBedridden;
  }
}

std::string People::IdNumber(size_t region, int64_t birth_day, bool male, int64_t& used_day) {
  // 顺序码: odd for men, even for women, 500 of each per region and birth day; a
  // full day moves the birth date a day earlier (never happens below scale ~20).
  uint16_t* seq = nullptr;
  for (;; --birth_day) {
    const size_t index = region * static_cast<size_t>(kDaySpan) + static_cast<size_t>(birth_day - kFirstDay);
    seq = male ? &male_seq_[index] : &female_seq_[index];
    if (*seq < kIdsPerSexAndDay) break;
  }
  used_day = birth_day;
  const int order = 2 * (*seq)++ + (male ? 1 : 0);
  int y, m, d;
  CivilFromDays(birth_day, y, m, d);
  std::string id;
  id.reserve(18);
  id = regions_[region];
  Append2(id, y / 100);
  Append2(id, y % 100);
  Append2(id, m);
  Append2(id, d);
  id += static_cast<char>('0' + order / 100);
  Append2(id, order % 100);
  id += registry::IdCheckCharacter(id);
  return id;
}

std::string People::Phone(uint64_t ordinal) const {
  uint64_t x = ordinal;
  do {
    uint64_t left = x >> kHalfBits, right = x & kHalfMask;
    for (uint64_t key : phone_keys_) {
      uint64_t mix = right ^ key;
      const uint64_t f = SplitMix64(mix) & kHalfMask;
      const uint64_t next = left ^ f;
      left = right;
      right = next;
    }
    x = (left << kHalfBits) | right;
  } while (x >= kPhoneRange);
  return std::to_string(kPhoneBase + x);
}

std::string People::CadrePhone() { return Phone(kCadrePhoneOrdinals + next_cadre_phone_++); }

}  // namespace tc::gen::internal
