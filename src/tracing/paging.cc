#include "tracing/paging.h"

#include <algorithm>

namespace tc::tracing {

PeoplePage PageByPerson(std::span<const Visit> visits, uint32_t after, size_t limit) {
  std::vector<Visit> rest;
  for (const Visit& v : visits) {
    if (v.person > after) rest.push_back(v);
  }
  std::sort(rest.begin(), rest.end(), [](const Visit& a, const Visit& b) {
    return a.person != b.person ? a.person < b.person : a.arrive < b.arrive;
  });
  PeoplePage page;
  for (size_t i = 0; i < rest.size();) {
    if (page.people.size() == limit) {
      page.more = true;
      break;
    }
    size_t j = i;
    while (j < rest.size() && rest[j].person == rest[i].person) ++j;
    page.people.push_back({rest[i].person, std::vector<Visit>(rest.begin() + i, rest.begin() + j)});
    i = j;
  }
  return page;
}

}  // namespace tc::tracing
