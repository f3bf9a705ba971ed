// Chinese names for generated people, places and organisations, drawn from small
// fixed lists with the generator's Rng. Pure functions of the Rng; thread-safe.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "gen/internal/rng.h"

namespace tc::gen::internal {

// 王秀英, 李浩: a weighted common surname and one or two given-name characters.
std::string PersonName(Rng& rng, bool male);
// A surname alone (weighted like the population's).
std::string_view Surname(Rng& rng);
// 李 + two given-name characters chosen for the sex.
std::string GivenName(Rng& rng, bool male);

// Two-character place words (永吉, 桃源), distinct within `used` when possible.
std::string PlaceWord(Rng& rng, std::set<std::string>& used);
// 王家屯 / 三合: a village stem, distinct within `used` when possible.
std::string VillageWord(Rng& rng, std::set<std::string>& used);
// 小区, 花园, 家园 ...: the suffix of an urban compound's name.
std::string_view CompoundSuffix(Rng& rng);

// A city department for 包保 leaders (市民政局); a district department (南关区民政局).
std::string CityDepartment(Rng& rng);
std::string DistrictDepartment(Rng& rng, std::string_view district_name);

}  // namespace tc::gen::internal
