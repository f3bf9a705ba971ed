#include "auth/roles.h"

#include <algorithm>
#include <array>

namespace tc::auth {
namespace {

struct RoleInfo {
  Role role;
  std::string_view name;
  std::vector<std::string_view> permissions;
};

const std::vector<RoleInfo>& Table() {
  using namespace perm;
  static const std::vector<RoleInfo> kTable = {
      {Role::kAdmin, "admin",
       {kAreaRead, kAreaWrite, kAreaMode, kUserRead, kUserWrite, kAuditRead, kPersonalRead, kPersonalUnmask,
        kRegistryWrite, kVenueWrite, kCheckinWrite, kTraceRun, kCaseRead, kCaseWrite, kContactWrite, kTestingRead,
        kTestingManage, kTestingSample, kTestingResult, kRiskRead, kRiskDeclare, kHealthCodeRead, kHealthCodeManage,
        kCheckpointOperate, kCheckpointManage, kHotlineIntake, kHotlineRead, kHotlineHandle, kHotlineDispatch,
        kHotlineManage, kEnterpriseRead, kEnterpriseWrite, kEnterpriseAct, kEnterpriseLiaison, kPolicyManage,
        kLivelihoodRead, kLivelihoodWrite, kLivelihoodClose, kQuarantineRead, kQuarantineWrite, kQuarantineCare,
        kMedicalRead, kMedicalWrite}},
      {Role::kCommander, "commander",
       {kAreaRead, kAreaMode, kUserRead, kPersonalRead, kPersonalUnmask, kTraceRun, kCaseRead, kCaseWrite,
        kContactWrite, kTestingRead, kTestingManage, kRiskRead, kRiskDeclare, kHealthCodeRead, kHealthCodeManage,
        kCheckpointManage, kHotlineRead, kHotlineDispatch, kEnterpriseRead, kEnterpriseLiaison, kPolicyManage,
        kLivelihoodRead, kLivelihoodClose, kQuarantineRead, kQuarantineWrite, kMedicalRead}},
      {Role::kAreaOperator, "area_operator",
       {kAreaRead, kAreaWrite, kUserRead, kPersonalRead, kPersonalUnmask, kRegistryWrite, kVenueWrite,
        kCheckinWrite, kCaseRead, kContactWrite, kTestingRead, kTestingManage, kTestingSample, kRiskRead,
        kHealthCodeRead, kCheckpointManage, kHotlineRead, kHotlineHandle, kEnterpriseRead, kEnterpriseWrite,
        kEnterpriseAct, kEnterpriseLiaison, kLivelihoodRead, kLivelihoodWrite, kQuarantineRead, kQuarantineWrite,
        kQuarantineCare}},
      {Role::kGridWorker, "grid_worker",
       {kAreaRead, kPersonalRead, kPersonalUnmask, kRegistryWrite, kCheckinWrite, kCaseRead, kContactWrite,
        kTestingRead, kTestingSample, kRiskRead, kHealthCodeRead, kCheckpointOperate, kHotlineRead, kHotlineHandle,
        kLivelihoodRead, kLivelihoodWrite, kQuarantineRead, kQuarantineCare}},
      {Role::kHotlineAgent, "hotline_agent",
       {kAreaRead, kPersonalRead, kRiskRead, kHealthCodeRead, kHotlineIntake, kHotlineRead,
        kHotlineDispatch}},
      {Role::kDepartmentHandler, "department_handler",
       {kAreaRead, kHotlineRead, kHotlineHandle, kEnterpriseRead, kEnterpriseLiaison}},
      {Role::kEnterpriseUser, "enterprise_user", {kHotlineIntake, kHotlineRead, kEnterpriseRead, kEnterpriseAct}},
      {Role::kResident, "resident", {kHotlineIntake, kHotlineRead, kQuarantineSelf}},
      {Role::kSampler, "sampler", {kTestingSample}},
      {Role::kLabTechnician, "lab_technician", {kTestingResult}},
      {Role::kCheckpointStaff, "checkpoint_staff", {kCheckpointOperate}},
      {Role::kSiteStaff, "site_staff", {kQuarantineRead, kQuarantineCare}},
      {Role::kMedicalStaff, "medical_staff", {kAreaRead, kMedicalRead, kMedicalWrite}},
  };
  return kTable;
}

const RoleInfo& Info(Role role) {
  for (const auto& r : Table()) {
    if (r.role == role) return r;
  }
  return Table().back();
}

}  // namespace

std::span<const Role> AllRoles() {
  static const std::array kRoles = {Role::kAdmin,        Role::kCommander,         Role::kAreaOperator,
                                    Role::kGridWorker,   Role::kHotlineAgent,      Role::kDepartmentHandler,
                                    Role::kEnterpriseUser, Role::kResident,       Role::kSampler,
                                    Role::kLabTechnician, Role::kCheckpointStaff, Role::kSiteStaff,
                                    Role::kMedicalStaff};
  return kRoles;
}

std::string_view RoleName(Role role) { return Info(role).name; }

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& r : Table()) {
    if (r.name == name) return r.role;
  }
  return std::nullopt;
}

bool RoleHas(Role role, std::string_view permission) {
  const auto& p = Info(role).permissions;
  return std::find(p.begin(), p.end(), permission) != p.end();
}

std::vector<std::string_view> RolePermissions(Role role) { return Info(role).permissions; }

std::vector<std::string_view> AllPermissions() {
  std::vector<std::string_view> all;
  for (const auto& r : Table()) {
    for (auto p : r.permissions) {
      if (std::find(all.begin(), all.end(), p) == all.end()) all.push_back(p);
    }
  }
  return all;
}

}  // namespace tc::auth
