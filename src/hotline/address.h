// Address text → the registry's area tree (district / street / community / compound /
// building / unit), as a 12345 agent's free-typed address comes: abbreviated ("朝阳"
// for 朝阳区, "光春" for 光春社区), with levels missing ("昌河新村5栋"), with typos
// (one character wrong in a compound's name), numbers in any form (5号楼, 五栋,
// 5幢, 3单元302). Matching uses only the registry's own names, the short forms the
// resolver derives from them (a generic suffix dropped) and the hotline's aliases.
//
// Every answer carries a confidence in [0, 1] and notes saying what was matched and
// what was doubtful; ambiguous text (a name found in several places, nothing to tell
// them apart) answers the places' common ancestor with a low confidence, so the
// request goes to manual dispatch instead of a guess. Immutable after Build(), so
// Resolve() is thread-safe.
//
//   auto r = AddressResolver::Build(areas, aliases);
//   AddressMatch m = r->Resolve("朝阳区昌河新村5号楼2单元");   // m.code: the unit, m.confidence 1
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tc::hotline {

// An area as the resolver needs it (the registry's ForEachArea order: parents first).
struct AddressArea {
  std::string code, parent_code, level, name, path;
};
struct AddressAlias {
  std::string alias, area_code;
};

struct AddressMatch {
  std::string code, path, level;  // the deepest area resolved; "" if none
  std::string community_code;     // its community ("" above community level)
  double confidence = 0;
  bool fuzzy = false;              // a name matched with one character wrong
  std::vector<std::string> notes;  // what was matched, what was doubtful
};

class AddressResolver {
 public:
  static std::unique_ptr<AddressResolver> Build(const std::vector<AddressArea>& areas,
                                                const std::vector<AddressAlias>& aliases);
  ~AddressResolver();
  // `text` is normalised (half-width digits, simplified characters).
  AddressMatch Resolve(std::string_view text) const;
  size_t AreaCount() const;

  struct Index;  // internal

 private:
  AddressResolver();
  std::unique_ptr<Index> ix_;
};

// The number in a Chinese or Arabic numeral ("12", "十二", "二十三"); −1 if none.
int ParseNumeral(std::string_view s);

}  // namespace tc::hotline
