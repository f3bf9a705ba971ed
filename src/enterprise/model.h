// Plain records of the enterprise module (复工复产、服务企业、惠企政策): an enterprise as
// the market-supervision bureau registers it, and the facts a policy's eligibility
// rule reads (policy_rules.h). No behaviour here.
#pragma once

#include <cstdint>
#include <string>

#include "base/time.h"

namespace tc::enterprise {

// An enterprise (市场主体). Money in 万元 (10,000 yuan), as Chinese statistics report it.
struct Enterprise {
  int64_t id = 0;
  std::string uscc;           // unified social credit code, 18 characters (uscc.h)
  std::string name;
  std::string industry;       // GB/T 4754-2017 section letter, "C"
  std::string division;       // its two-digit division, "36"
  std::string size;           // large | medium | small | micro (industry.h)
  bool above_scale = false;   // 规上: above the statistical threshold of its industry
  bool key = false;           // 重点企业: gets a liaison officer one-to-one
  bool high_tech = false;     // 高新技术企业
  bool specialised = false;   // 专精特新
  std::string district_code;  // the registry's district
  std::string area_code;      // the deepest registry area the address resolved to ("" none)
  std::string address;
  std::string legal_rep, contact_name, contact_phone;
  int64_t employees = 0;            // on the payroll before the epidemic (staff before)
  double revenue = 0;               // operating revenue this year so far, 万元
  double revenue_prev = 0;          // the same period last year, 万元
  double equipment_investment = 0;  // this year, 万元 (equipment subsidies)
  std::string founded_on;           // YYYY-MM-DD
  std::string status = "active";    // active | closed (注销)
  Millis created_at = 0, updated_at = 0;
};

// What an eligibility rule or benefit formula may read about one enterprise. Texts are
// codes (industry "C", division "36", size "small", district "220102000000",
// resumption one of kResumptionStates); numbers are plain (percentages 0–100).
struct Facts {
  std::string industry, division, size, district, resumption = "not_filed";
  bool above_scale = false, key = false, high_tech = false, specialised = false;
  double employees = 0, revenue = 0, revenue_prev = 0;
  double revenue_drop = 0;   // percent fall of revenue against revenue_prev (0 if it grew)
  double capacity_rate = 0;  // percent of staff before who are back at work
  double age_years = 0;      // whole years since founded_on
  double equipment_investment = 0;
};

// Resumption (复工) as the filing leaves it: not_filed → filed (备案, may open) → open
// (declared producing); a filing missing items is returned; in wartime a filing of an
// enterprise in a high-risk area is held.
inline constexpr const char* kResumptionStates[] = {"not_filed", "returned", "held", "filed", "open"};

}  // namespace tc::enterprise
