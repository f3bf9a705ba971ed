// Roles and permissions. A user holds one role, bound to one area node (their
// jurisdiction); the role says what they may do, the node says where.
// Permissions are strings ("area.read") so the API and OpenAPI document can name them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace tc::auth {

enum class Role {
  kAdmin,              // 系统管理员: accounts, audit, everything in the jurisdiction
  kCommander,          // 指挥部: watches, declares, switches peacetime/wartime mode
  kAreaOperator,       // 区/街道/社区 operator: keeps the registry and areas true
  kGridWorker,         // 网格员 / 三长: door-to-door work, calls, registry upkeep
  kHotlineAgent,       // 12345 agent: takes and routes requests
  kDepartmentHandler,  // 承办部门: handles routed requests
  kEnterpriseUser,     // 企业: its own enterprise only
  kResident,           // 居民: themselves only
  kSampler,            // 采样人员: scans at the test sites whose staff list names them
  kLabTechnician,      // 检测人员: reports lab results
  kCheckpointStaff,    // 卡口人员: scans codes and permits at checkpoints whose staff list names them
  kSiteStaff,          // 隔离点工作人员: checks in, checks on and releases the guests of sites whose staff list names them
  kMedicalStaff,       // 医护人员 / 医院: beds, admissions, transfers and discharges of the hospitals in their node
};

namespace perm {
inline constexpr std::string_view kAreaRead = "area.read";
inline constexpr std::string_view kAreaWrite = "area.write";
inline constexpr std::string_view kAreaMode = "area.mode";          // switch peacetime/wartime
inline constexpr std::string_view kUserRead = "user.read";
inline constexpr std::string_view kUserWrite = "user.write";
inline constexpr std::string_view kAuditRead = "audit.read";
inline constexpr std::string_view kPersonalRead = "personal.read";      // masked personal data
inline constexpr std::string_view kPersonalUnmask = "personal.unmask";  // full ID/phone, audited
inline constexpr std::string_view kRegistryWrite = "registry.write";    // residents, households, grids, 包保, import
inline constexpr std::string_view kVenueWrite = "venue.write";        // register venues (场所码)
inline constexpr std::string_view kCheckinWrite = "checkin.write";    // record check-ins, single or bulk
inline constexpr std::string_view kTraceRun = "trace.run";            // tracing queries and runs (流调)
inline constexpr std::string_view kCaseRead = "case.read";            // cases and contact lists
inline constexpr std::string_view kCaseWrite = "case.write";          // confirm cases, edit chains
inline constexpr std::string_view kContactWrite = "contact.write";    // contact statuses, manual changes
inline constexpr std::string_view kTestingRead = "testing.read";      // rounds, coverage, door lists, follow-ups
inline constexpr std::string_view kTestingManage = "testing.manage";  // test sites, labs, rounds
inline constexpr std::string_view kTestingSample = "testing.sample";  // scan people onto tubes, close, ship
inline constexpr std::string_view kTestingResult = "testing.result";  // lab results
inline constexpr std::string_view kRiskRead = "risk.read";            // risk levels, proposals, history
inline constexpr std::string_view kRiskDeclare = "risk.declare";      // declare levels, change risk rules
inline constexpr std::string_view kHealthCodeRead = "healthcode.read";      // residents' colours and reasons
inline constexpr std::string_view kHealthCodeManage = "healthcode.manage";  // colour rules, keys, recompute
inline constexpr std::string_view kCheckpointOperate = "checkpoint.operate";  // scan codes and permits, log passages
inline constexpr std::string_view kCheckpointManage = "checkpoint.manage";    // checkpoints, staff, permits, logs
inline constexpr std::string_view kHotlineIntake = "hotline.intake";      // file 12345 requests, classify, resolve addresses
inline constexpr std::string_view kHotlineRead = "hotline.read";          // requests in scope, rates, rankings, hotspots
inline constexpr std::string_view kHotlineHandle = "hotline.handle";      // accept, return, resolve (department, community)
inline constexpr std::string_view kHotlineDispatch = "hotline.dispatch";  // dispatch, reassign, merge, group, callback, reopen
inline constexpr std::string_view kHotlineManage = "hotline.manage";      // taxonomy, staff, rules, aliases, retraining, Open311 keys
inline constexpr std::string_view kEnterpriseRead = "enterprise.read";    // enterprises, rates, needs, appeals, benefits in scope
inline constexpr std::string_view kEnterpriseWrite = "enterprise.write";  // registry, import, accounts, liaisons, offers, programmes
inline constexpr std::string_view kEnterpriseAct = "enterprise.act";      // file, declare, needs, appeals, credit, jobs for an enterprise
inline constexpr std::string_view kEnterpriseLiaison = "enterprise.liaison";  // visits and open items of enterprises
inline constexpr std::string_view kLivelihoodRead = "livelihood.read";    // return-home applications, their flow and open loop
inline constexpr std::string_view kLivelihoodWrite = "livelihood.write";  // register and move return-home applications
inline constexpr std::string_view kQuarantineRead = "quarantine.read";    // sites, people in quarantine, check lists, open loop
inline constexpr std::string_view kQuarantineWrite = "quarantine.write";  // sites, rooms, rules, assignment, transfers
inline constexpr std::string_view kQuarantineCare = "quarantine.care";    // check-in, health checks, tests, escalation, release
inline constexpr std::string_view kQuarantineSelf = "quarantine.self";    // a resident's own quarantine and daily check
inline constexpr std::string_view kLivelihoodClose = "livelihood.close";  // close or reopen areas for supplies (封闭管理)
inline constexpr std::string_view kMedicalRead = "medical.read";    // hospitals, beds, occupancy, cases awaiting a bed, the bed forecast
inline constexpr std::string_view kMedicalWrite = "medical.write";  // hospitals and beds, admit, transfer, discharge
inline constexpr std::string_view kPolicyManage = "policy.manage";        // policies, dry runs, publication, disbursement, credit decisions
}  // namespace perm

std::span<const Role> AllRoles();
std::string_view RoleName(Role role);  // "area_operator"
std::optional<Role> ParseRole(std::string_view name);
bool RoleHas(Role role, std::string_view permission);
std::vector<std::string_view> RolePermissions(Role role);
// Every permission any role can hold.
std::vector<std::string_view> AllPermissions();

// The authenticated caller of a request.
struct Principal {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kResident;
  std::string area_code;  // jurisdiction node
  std::string area_path;  // its materialised path, "/220100000000/220102000000/"
  Millis expires_at = 0;  // of the session
  int64_t resident_id = 0;  // a resident's own account: the registry's resident (0: none)

  bool Can(std::string_view permission) const { return RoleHas(role, permission); }
  // True if the node with materialised path `path` lies in this principal's jurisdiction.
  bool Covers(std::string_view path) const { return path.starts_with(area_path); }
};

}  // namespace tc::auth
