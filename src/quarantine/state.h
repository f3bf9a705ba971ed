// The states of a quarantined person's life (the machine is lifecycle.h):
//   listed → assigned → pickup_scheduled → picked_up → checked_in → released
//   (home quarantine: assigned → checked_in), and the side exits escalated →
//   hospitalised, absconded, refused, cancelled.
#pragma once

#include <cstdint>
#include <string_view>

namespace tc::quarantine {

// The main line, the end of it, then the side exits (fever / positive → a suspected
// case → hospital; absconded, refused, removed from the contact list).
enum class State : uint8_t {
  kListed,
  kAssigned,
  kPickupScheduled,
  kPickedUp,
  kCheckedIn,
  kReleased,
  kEscalated,
  kHospitalised,
  kAbsconded,
  kRefused,
  kCancelled,
};
inline constexpr int kStateCount = 11;
// listed | assigned | pickup_scheduled | picked_up | checked_in | released | escalated |
// hospitalised | absconded | refused | cancelled
std::string_view StateName(State s);
bool ParseState(std::string_view s, State* out);
// Final states: no action follows, and the open-loop report never names them.
inline bool IsFinal(State s) { return s == State::kReleased || s == State::kHospitalised || s == State::kCancelled; }

}  // namespace tc::quarantine
