#include "store/migrations.h"

namespace tc::store {
namespace {

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
}

}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "foundation: areas, accounts, sessions, audit log, event outbox",
       R"sql(
-- Area hierarchy: city > district > street > community > compound > building > unit.
-- path is the materialised ancestry ('/220100000000/220102000000/') used for
-- jurisdiction checks: X lies under Y iff X.path starts with Y.path.
CREATE TABLE areas (
  code TEXT PRIMARY KEY,
  parent_code TEXT REFERENCES areas(code),
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  path TEXT {{BINARY}} NOT NULL UNIQUE,
  mode TEXT NOT NULL DEFAULT 'peacetime',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX areas_parent ON areas(parent_code);
CREATE TABLE area_mode_history (
  id {{PK}},
  area_code TEXT NOT NULL REFERENCES areas(code),
  mode TEXT NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX area_mode_history_area ON area_mode_history(area_code, at);
CREATE TABLE users (
  id {{PK}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  area_code TEXT NOT NULL REFERENCES areas(code),
  area_path TEXT {{BINARY}} NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX users_area ON users(area_code);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  remote_addr TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
-- Append-only, hash-chained: hash = sha256(prev_hash | seq | at | actor | ...).
-- area_path places the entry in the hierarchy so admins see their jurisdiction's entries.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,
  detail TEXT NOT NULL,
  request_id TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_area ON audit_log(area_path, seq);
-- The chain's head: locked by every append (serialises appends on PostgreSQL) and
-- compared with the last row by verification (detects a removed tail).
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'genesis');
-- Event outbox: written in the same transaction as the change it reports.
CREATE TABLE events (
  seq {{PK}},
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE TABLE event_cursors (
  subscriber TEXT PRIMARY KEY,
  last_seq BIGINT NOT NULL
);
)sql",
       R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql",
       R"sql(
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
)sql"},
      {2, "registry: households, residents, residence history, merges, grids, leaders, 包保 assignments",
       R"sql(
-- Households (户), the leaves of the dwelling tree. code = unit code + '-' + room,
-- so it starts with the unit's scope key (see registry::ScopeKeyOfCode).
CREATE TABLE households (
  code TEXT {{BINARY}} PRIMARY KEY,
  unit_code TEXT NOT NULL REFERENCES areas(code),
  address TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX households_unit ON households(unit_code);
-- Residents: one person, one record (id_number unique when known).
CREATE TABLE residents (
  id {{PK}},
  name TEXT NOT NULL,
  id_number TEXT UNIQUE,
  phone TEXT,
  birth_date TEXT,
  sex TEXT,
  household_code TEXT {{BINARY}} NOT NULL REFERENCES households(code),
  tags INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active',
  merged_into BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX residents_household ON residents(household_code);
CREATE INDEX residents_name ON residents(name, household_code);
CREATE INDEX residents_phone ON residents(phone);
CREATE TABLE residence_history (
  id {{PK}},
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  household_code TEXT NOT NULL,
  moved_in_at BIGINT NOT NULL,
  moved_out_at BIGINT,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX residence_history_resident ON residence_history(resident_id);
CREATE TABLE resident_merges (
  id {{PK}},
  kept_id BIGINT NOT NULL REFERENCES residents(id),
  merged_id BIGINT NOT NULL REFERENCES residents(id),
  snapshot TEXT NOT NULL,
  actor TEXT NOT NULL,
  at BIGINT NOT NULL
);
-- Grids (网格): sets of buildings of one community; the grid leader (网格长) is a resident.
CREATE TABLE grids (
  code TEXT {{BINARY}} PRIMARY KEY,
  community_code TEXT NOT NULL REFERENCES areas(code),
  name TEXT NOT NULL,
  leader_id BIGINT REFERENCES residents(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX grids_community ON grids(community_code);
CREATE TABLE grid_buildings (
  building_code TEXT {{BINARY}} PRIMARY KEY REFERENCES areas(code),
  grid_code TEXT NOT NULL REFERENCES grids(code)
);
CREATE INDEX grid_buildings_grid ON grid_buildings(grid_code);
-- Building leaders (楼栋长) and unit leaders (单元长): residents bound to a building or unit.
CREATE TABLE area_leaders (
  area_code TEXT {{BINARY}} PRIMARY KEY REFERENCES areas(code),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  role TEXT NOT NULL,
  since BIGINT NOT NULL
);
CREATE INDEX area_leaders_resident ON area_leaders(resident_id);
-- 包保: cadres responsible for an area node (department head → street, deputy →
-- community, section chief → compound, cadre → building).
CREATE TABLE assignments (
  id {{PK}},
  area_code TEXT {{BINARY}} NOT NULL REFERENCES areas(code),
  cadre_name TEXT NOT NULL,
  cadre_phone TEXT NOT NULL,
  organisation TEXT NOT NULL,
  role TEXT NOT NULL,
  since BIGINT NOT NULL,
  ended_at BIGINT
);
CREATE INDEX assignments_area ON assignments(area_code);
)sql",
       "", ""},
      {3, "registry: area shapes (GeoJSON) for maps",
       R"sql(
-- One GeoJSON geometry (Polygon or MultiPolygon, WGS 84 lon/lat) per area that
-- has one; kept apart from areas so tree queries stay light.
CREATE TABLE area_shapes (
  area_code TEXT PRIMARY KEY REFERENCES areas(code),
  geojson TEXT NOT NULL
);
)sql",
       "", ""},
      {4, "registry: per-area rollup of residents, households and care tags",
       R"sql(
-- Maintained with every resident/household write (ancestors of the unit adjusted in
-- the same transaction) and rebuilt whole after bulk loads; the console reads
-- counts for any node, the city included, without counting millions of rows.
CREATE TABLE area_counts (
  area_code TEXT PRIMARY KEY REFERENCES areas(code),
  residents BIGINT NOT NULL DEFAULT 0,
  households BIGINT NOT NULL DEFAULT 0,
  elderly_alone BIGINT NOT NULL DEFAULT 0,
  chronic BIGINT NOT NULL DEFAULT 0,
  pregnant BIGINT NOT NULL DEFAULT 0,
  disability BIGINT NOT NULL DEFAULT 0,
  severe_illness BIGINT NOT NULL DEFAULT 0
);
)sql",
       "", ""},
      {5, "tracing: venues (场所码), check-ins, cases, tracing runs, contact lists",
       R"sql(
-- Venues with a venue code (场所码); area_path (the area's path) scopes them.
CREATE TABLE venues (
  id {{PK}},
  code TEXT {{BINARY}} NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  area_code TEXT NOT NULL REFERENCES areas(code),
  area_path TEXT {{BINARY}} NOT NULL,
  capacity BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX venues_area ON venues(area_path);
-- Check-ins: whole minutes (Unix ms); leave_at NULL when the venue does not scan out.
-- One person cannot check in twice at the same venue and minute. id orders the rows
-- as they were committed; the in-memory tracing engine follows it.
CREATE TABLE checkins (
  id {{PK}},
  person_id BIGINT NOT NULL REFERENCES residents(id),
  venue_id BIGINT NOT NULL REFERENCES venues(id),
  arrive_at BIGINT NOT NULL,
  leave_at BIGINT
);
CREATE UNIQUE INDEX checkins_person ON checkins(person_id, arrive_at, venue_id);
CREATE INDEX checkins_venue ON checkins(venue_id, arrive_at);
-- Cases (病例): one per person; infector_case_id links transmission chains.
CREATE TABLE cases (
  id {{PK}},
  resident_id BIGINT NOT NULL UNIQUE REFERENCES residents(id),
  household_code TEXT {{BINARY}} NOT NULL,
  kind TEXT NOT NULL,
  onset_date TEXT,
  report_date TEXT NOT NULL,
  hospital TEXT NOT NULL DEFAULT '',
  infector_case_id BIGINT REFERENCES cases(id),
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX cases_household ON cases(household_code);
CREATE INDEX cases_report ON cases(report_date);
-- A tracing run: which cases, which rules, what it found.
CREATE TABLE tracing_runs (
  id {{PK}},
  case_ids TEXT NOT NULL,
  params TEXT NOT NULL,
  close_found BIGINT NOT NULL,
  secondary_found BIGINT NOT NULL,
  listed BIGINT NOT NULL,
  actor TEXT NOT NULL,
  at BIGINT NOT NULL
);
-- The contact list (密接 / 次密接): one open entry per person (removed_at NULL).
CREATE TABLE contacts (
  id {{PK}},
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  household_code TEXT {{BINARY}} NOT NULL,
  ring TEXT NOT NULL,
  case_id BIGINT REFERENCES cases(id),
  via_resident_id BIGINT REFERENCES residents(id),
  reason_kind TEXT NOT NULL,
  venue_id BIGINT REFERENCES venues(id),
  exposure_at BIGINT,
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  officer TEXT NOT NULL DEFAULT '',
  run_id BIGINT REFERENCES tracing_runs(id),
  listed_by TEXT NOT NULL,
  listed_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  removed_at BIGINT,
  removed_reason TEXT
);
CREATE UNIQUE INDEX contacts_open ON contacts(resident_id) WHERE removed_at IS NULL;
CREATE INDEX contacts_household ON contacts(household_code);
CREATE INDEX contacts_case ON contacts(case_id);
CREATE TABLE contact_status_history (
  id {{PK}},
  contact_id BIGINT NOT NULL REFERENCES contacts(id),
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  officer TEXT NOT NULL,
  note TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX contact_status_history_contact ON contact_status_history(contact_id);
-- Ground truth of a generated outbreak (tongchou gen outbreak): who infected whom,
-- where and when; measured against, never shown as data about real people.
CREATE TABLE outbreak_truth (
  person_id BIGINT PRIMARY KEY REFERENCES residents(id),
  infector_id BIGINT,
  venue_id BIGINT,
  route TEXT NOT NULL,
  generation BIGINT NOT NULL,
  infected_at BIGINT NOT NULL,
  onset_at BIGINT,
  detected_at BIGINT
);
)sql",
       "", ""},
      {6, "tracing: when a case was reported (isolation ends its exposures)",
       R"sql(
-- The time a case was reported and isolated; NULL for cases recorded before it existed
-- (their exposures then end when the case was recorded, or at the end of the report day).
ALTER TABLE cases ADD COLUMN reported_at BIGINT;
)sql",
       "", ""},
      {7, "auth: login throttling kept across restarts",
       R"sql(
-- Failed logins per account (kind 'account', subject = username as typed) and per
-- client address (kind 'address'): the count since the last quiet window, and the
-- time until which logins are refused. A row past expires_at no longer matters and
-- is pruned (auth/throttle.h has the policy).
CREATE TABLE login_throttle (
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  failures BIGINT NOT NULL,
  last_failure_at BIGINT NOT NULL,
  blocked_until BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (kind, subject)
);
CREATE INDEX login_throttle_expires ON login_throttle(expires_at);
)sql",
       "", ""},
      {8, "gen: the zone an outbreak's infection happened in",
       R"sql(
-- The zone (a market's section, a restaurant's table, an office's team, …) of the
-- visit at which a dose-model infection happened, e.g. 'table 12'; NULL for household
-- infections and the flat model. The generator's truth only: check-ins have no zone.
ALTER TABLE outbreak_truth ADD COLUMN zone TEXT;
)sql",
       "", ""},
      {9, "tracing: contact tiers with exposure scores; versioned tier rules",
       R"sql(
-- A listed contact's exposure score (the risk, 0–1) and its terms (a JSON array of
-- texts that explain it); `ring` now names the tier: close, secondary or exposed.
ALTER TABLE contacts ADD COLUMN score DOUBLE PRECISION;
ALTER TABLE contacts ADD COLUMN terms TEXT;
-- The rule sets that sort contacts into tiers (tracing/tiers.h), every version kept;
-- the highest is in force.
CREATE TABLE tier_rules (
  version {{PK}},
  rules TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  reason TEXT NOT NULL
);
)sql",
       "", ""},
      {10, "screening: mass testing (sites, labs, rounds, pooled tubes, follow-ups); accounts linked to residents",
       R"sql(
CREATE TABLE test_sites (
  id {{PK}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  area_code TEXT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,
  address TEXT NOT NULL,
  hours TEXT NOT NULL,
  lanes INTEGER NOT NULL,
  per_hour INTEGER NOT NULL,
  staff TEXT NOT NULL,             -- usernames who may scan here, comma-separated
  created_at BIGINT NOT NULL
);
CREATE TABLE test_labs (
  id {{PK}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  capacity_per_day BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE test_rounds (
  id {{PK}},
  name TEXT NOT NULL,
  area_codes TEXT NOT NULL,        -- comma-separated
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  pool_size INTEGER NOT NULL,
  due TEXT NOT NULL,               -- residents | close | secondary | exposed
  due_people TEXT NOT NULL,        -- a tier round's people (ids, comma-separated); '' otherwise
  status TEXT NOT NULL,
  due_count BIGINT NOT NULL,
  exempt_count BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL
);
-- One row per tube: its members (resident ids) and their sampling times (seconds
-- after opened_at), comma-separated in the same order. Ids are drawn by the engine.
CREATE TABLE test_tubes (
  id BIGINT PRIMARY KEY,
  barcode TEXT NOT NULL UNIQUE,
  round_id BIGINT NOT NULL REFERENCES test_rounds(id),
  site_id BIGINT NOT NULL REFERENCES test_sites(id),
  kind TEXT NOT NULL,              -- pool | single | retest
  capacity INTEGER NOT NULL,
  members TEXT NOT NULL,
  member_secs TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL,
  box TEXT NOT NULL,
  lab_id BIGINT NOT NULL,
  sent_at BIGINT NOT NULL,
  result TEXT NOT NULL,            -- '' | negative | positive | invalid
  ct DOUBLE PRECISION NOT NULL,
  resulted_at BIGINT NOT NULL,
  result_by TEXT NOT NULL
);
CREATE INDEX test_tubes_round ON test_tubes(round_id);
-- What a positive or invalid pooled tube starts for one member: the individual
-- retest, home isolation and the door task of their building.
CREATE TABLE test_followups (
  id {{PK}},
  round_id BIGINT NOT NULL REFERENCES test_rounds(id),
  tube_id BIGINT NOT NULL REFERENCES test_tubes(id),
  reason TEXT NOT NULL,
  person_id BIGINT NOT NULL,
  building_code TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,  -- the unit's path (jurisdiction)
  status TEXT NOT NULL,            -- open | sampled | closed
  isolation TEXT NOT NULL,         -- home | lifted
  retest_tube TEXT NOT NULL,
  outcome TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX test_followups_path ON test_followups(area_path);
CREATE INDEX test_followups_person ON test_followups(person_id);
-- A resident's own account (role resident) names the resident it belongs to.
ALTER TABLE users ADD COLUMN resident_id BIGINT NOT NULL DEFAULT 0;
)sql",
       "", ""},
      {11, "healthcode: risk areas (rules, cases, proposals, declared levels, history); health-code rules, colours, keys",
       R"sql(
-- Risk-area rule sets (healthcode/risk.h), every version kept; the highest is in force.
CREATE TABLE risk_rules (
  version {{PK}},
  rules TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  reason TEXT NOT NULL
);
-- The confirmed cases the rules count, as CaseConfirmed events told this module:
-- the community the case lives in and its report date.
CREATE TABLE risk_cases (
  case_id BIGINT PRIMARY KEY,
  community_code TEXT NOT NULL,
  report_date TEXT NOT NULL,
  received_at BIGINT NOT NULL
);
-- What the rules propose for a community now, and what the command centre declared.
CREATE TABLE risk_proposals (
  area_code TEXT PRIMARY KEY,
  level TEXT NOT NULL,             -- low | medium | high
  reason TEXT NOT NULL,
  rules_version BIGINT NOT NULL,
  proposed_at BIGINT NOT NULL
);
CREATE TABLE risk_levels (
  area_code TEXT PRIMARY KEY,
  level TEXT NOT NULL,
  since BIGINT NOT NULL,
  declared_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  overrides TEXT NOT NULL          -- '' or the proposal the declaration went against
);
CREATE TABLE risk_history (
  id {{PK}},
  area_code TEXT NOT NULL,
  kind TEXT NOT NULL,              -- proposed | declared
  level TEXT NOT NULL,
  from_level TEXT NOT NULL,
  reason TEXT NOT NULL,
  by_name TEXT NOT NULL,
  at BIGINT NOT NULL,
  overrides TEXT NOT NULL
);
CREATE INDEX risk_history_area ON risk_history(area_code, id);
-- Health-code rule sets (healthcode/rules.h), every version kept.
CREATE TABLE hc_rules (
  version {{PK}},
  rules TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  reason TEXT NOT NULL
);
-- The colour of everyone whose code has ever not been green, and since when (a
-- resident absent here has been green since the city began).
CREATE TABLE hc_colours (
  resident_id BIGINT PRIMARY KEY,
  colour TEXT NOT NULL,
  since BIGINT NOT NULL
);
-- Signing keys for codes and permits (Ed25519), by key id; a retired key no longer
-- signs, and codes it signed before retirement still verify until they expire.
CREATE TABLE hc_keys (
  kid TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT NOT NULL
);
-- Module settings, e.g. the secret the pseudonymous tokens are derived with.
CREATE TABLE hc_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql",
       "", ""},
      {12, "healthcode: checkpoints (卡口) with their staff, the passage log, transport permits (通行证)",
       R"sql(
-- Checkpoints (healthcode/checkpoints.h): a highway entrance, station, airport,
-- compound gate … in an area; staff: the usernames of the checkpoint_staff accounts
-- who may scan here, comma-separated.
CREATE TABLE checkpoints (
  id {{PK}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,              -- highway | station | airport | compound_gate | other
  area_code TEXT NOT NULL,
  area_name TEXT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,
  staff TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX checkpoints_path ON checkpoints(area_path);
-- Emergency transport permits for goods vehicles, signed like health codes (the
-- payload is kept so the permit can be shown again). area_path: the issuer's node.
CREATE TABLE transport_permits (
  id {{PK}},
  plate TEXT NOT NULL,
  note TEXT NOT NULL,
  valid_from BIGINT NOT NULL,
  valid_until BIGINT NOT NULL,     -- the first instant it is no longer valid
  payload TEXT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,
  issued_by TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  revoked_at BIGINT NOT NULL,      -- 0: not revoked
  revoked_by TEXT NOT NULL,
  revoke_reason TEXT NOT NULL
);
CREATE INDEX transport_permits_path ON transport_permits(area_path, id);
-- Every decision at a checkpoint, scanned or entered by hand.
CREATE TABLE checkpoint_passages (
  id {{PK}},
  checkpoint_id BIGINT NOT NULL REFERENCES checkpoints(id),
  at BIGINT NOT NULL,
  source TEXT NOT NULL,            -- scan | manual
  kind TEXT NOT NULL,              -- health_code | permit (scans; '' if unreadable) | person | vehicle (manual)
  person_id BIGINT NOT NULL,       -- 0: none
  plate TEXT NOT NULL,
  permit_id BIGINT NOT NULL,       -- 0: none
  colour_seen TEXT NOT NULL,       -- the colour the code (or paper) showed; '' none
  colour TEXT NOT NULL,            -- the colour decided on (the live one for codes); '' none
  decision TEXT NOT NULL,          -- pass | deny | test
  reason TEXT NOT NULL,
  refusal TEXT NOT NULL,           -- why verification failed (token.h RefusalName); '' none
  verified INTEGER NOT NULL,       -- 1: the signature verified
  operator TEXT NOT NULL
);
CREATE INDEX checkpoint_passages_at ON checkpoint_passages(checkpoint_id, at);
CREATE INDEX checkpoint_passages_id ON checkpoint_passages(checkpoint_id, id);
CREATE INDEX checkpoint_passages_day ON checkpoint_passages(at);
)sql",
       "", ""},
      {13, "hotline: 12345 requests (接诉即办) with their workflow log, the taxonomy and departments, rules, aliases, Open311 keys",
       R"sql(
-- Departments (承办部门) and the category taxonomy (hotline/taxonomy.h): data an
-- administrator changes; seeded from the built-in taxonomy on first start.
CREATE TABLE hotline_departments (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  active INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE hotline_categories (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  department_code TEXT NOT NULL REFERENCES hotline_departments(code),
  epidemic INTEGER NOT NULL,
  active INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);
-- The department_handler accounts who work a department's inbox.
CREATE TABLE hotline_department_staff (
  department_code TEXT NOT NULL REFERENCES hotline_departments(code),
  username TEXT NOT NULL,
  PRIMARY KEY (department_code, username)
);
-- Handling rules (hotline/rules.h), every version kept; the highest is in force.
CREATE TABLE hotline_rules (
  version {{PK}},
  rules TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  changed_at BIGINT NOT NULL
);
-- Place names people use that the registry does not hold (一汽宿舍 → a compound).
CREATE TABLE hotline_aliases (
  alias TEXT PRIMARY KEY,
  area_code TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
-- A request (工单). Text and address are stored normalised; phone as given (masked
-- on output); deadlines and flags as hotline/workflow.h keeps them.
CREATE TABLE hotline_requests (
  id {{PK}},
  channel TEXT NOT NULL,            -- phone | web | mobile | enterprise | api | open311
  caller_name TEXT NOT NULL,
  phone TEXT NOT NULL,
  resident_id BIGINT NOT NULL,      -- 0: not a known resident's own account
  enterprise TEXT NOT NULL,
  text TEXT NOT NULL,
  address_text TEXT NOT NULL,
  attachments TEXT NOT NULL,        -- JSON array of {name, type, size, url}
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  area_code TEXT NOT NULL,          -- the deepest area resolved ('' none)
  area_path TEXT {{BINARY}} NOT NULL,  -- its path; the city's when unresolved
  community_code TEXT NOT NULL,
  area_confidence DOUBLE PRECISION NOT NULL,
  address_notes TEXT NOT NULL,
  category TEXT NOT NULL,
  suggestions TEXT NOT NULL,        -- the classifier's top 3 as JSON
  overridden INTEGER NOT NULL,      -- 1: the agent chose other than the top suggestion
  department TEXT NOT NULL,         -- '' while pending dispatch
  priority TEXT NOT NULL,
  wartime INTEGER NOT NULL,         -- received while its district was in wartime
  status TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  dispatched_at BIGINT NOT NULL,
  responded_at BIGINT NOT NULL,
  resolved_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL,
  respond_by BIGINT NOT NULL,
  handle_by BIGINT NOT NULL,
  callback_by BIGINT NOT NULL,
  overdue INTEGER NOT NULL,
  reminded INTEGER NOT NULL,
  escalation INTEGER NOT NULL,
  satisfaction INTEGER NOT NULL,
  solved INTEGER NOT NULL,
  reopen_count INTEGER NOT NULL,
  return_count INTEGER NOT NULL,
  callback_attempts INTEGER NOT NULL,
  urge_count INTEGER NOT NULL,
  merged_into BIGINT NOT NULL,
  group_id BIGINT NOT NULL,         -- 0, or the lead request of a matter many callers raised
  next_due BIGINT NOT NULL,         -- the next reminder or deadline to look at; 0 none
  resolution TEXT NOT NULL,
  callback_note TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,       -- Open311's token
  created_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX hotline_requests_due ON hotline_requests(next_due) WHERE next_due > 0;
CREATE INDEX hotline_requests_dept ON hotline_requests(department, status, id);
CREATE INDEX hotline_requests_path ON hotline_requests(area_path, id);
CREATE INDEX hotline_requests_phone ON hotline_requests(phone, received_at);
CREATE INDEX hotline_requests_status ON hotline_requests(status, id);
CREATE INDEX hotline_requests_received ON hotline_requests(received_at);
CREATE INDEX hotline_requests_group ON hotline_requests(group_id) WHERE group_id > 0;
-- Every step of a request's life, who took it and why.
CREATE TABLE hotline_request_log (
  id {{PK}},
  request_id BIGINT NOT NULL REFERENCES hotline_requests(id),
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  department TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX hotline_request_log_request ON hotline_request_log(request_id, id);
-- Open311 API keys (stored as SHA-256 of the key).
CREATE TABLE hotline_api_keys (
  id {{PK}},
  key_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT NOT NULL
);
)sql",
       "", ""},
      {14, "hotline: the agents' category overrides found by an index (the classifier retrains on them)",
       R"sql(
CREATE INDEX hotline_requests_overridden ON hotline_requests(id) WHERE overridden = 1;
)sql",
       "", ""},
      {15, "enterprises: registry, resumption by filing, services, policies (免申即享), financing, vouchers, jobs, projects",
       R"sql(
-- An enterprise (市场主体) as the market-supervision bureau registers it; money in 万元.
CREATE TABLE enterprises (
  id {{PK}},
  uscc TEXT NOT NULL UNIQUE,        -- unified social credit code (GB 32100-2015)
  name TEXT NOT NULL,
  industry TEXT NOT NULL,           -- GB/T 4754-2017 section letter
  division TEXT NOT NULL,           -- two-digit division
  size TEXT NOT NULL,               -- large | medium | small | micro
  above_scale INTEGER NOT NULL,     -- 规上
  key_enterprise INTEGER NOT NULL,  -- 重点企业 (a liaison officer one-to-one)
  high_tech INTEGER NOT NULL,
  specialised INTEGER NOT NULL,     -- 专精特新
  district_code TEXT NOT NULL,
  area_code TEXT NOT NULL,          -- the deepest registry area the address resolved to
  area_path TEXT {{BINARY}} NOT NULL,  -- its path (the district's when unresolved): jurisdiction
  address TEXT NOT NULL,
  legal_rep TEXT NOT NULL,
  contact_name TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  employees BIGINT NOT NULL,        -- staff before the epidemic
  revenue DOUBLE PRECISION NOT NULL,
  revenue_prev DOUBLE PRECISION NOT NULL,
  equipment_investment DOUBLE PRECISION NOT NULL,
  founded_on TEXT NOT NULL,
  status TEXT NOT NULL,             -- active | closed
  resumption TEXT NOT NULL,         -- not_filed | returned | held | filed | open
  staff_back BIGINT NOT NULL,       -- employees back at work (the latest roster and declarations)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX enterprises_path ON enterprises(area_path, id);
-- The enterprise_user accounts that act for an enterprise.
CREATE TABLE enterprise_accounts (
  username TEXT PRIMARY KEY,
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
-- Resumption filings (复工备案): every filing kept; the latest decides.
CREATE TABLE enterprise_filings (
  id {{PK}},
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  status TEXT NOT NULL,             -- filed | returned | held | superseded
  plan TEXT NOT NULL,               -- the anti-epidemic plan as JSON
  staff_before BIGINT NOT NULL,
  roster_count BIGINT NOT NULL,
  open_on TEXT NOT NULL,            -- planned opening day
  reasons TEXT NOT NULL,            -- JSON array: why returned or held
  filed_by TEXT NOT NULL,
  filed_at BIGINT NOT NULL,
  opened_at BIGINT NOT NULL         -- 0 until the enterprise declares itself open
);
CREATE INDEX enterprise_filings_ent ON enterprise_filings(enterprise_id, id);
-- The employee roster, linked to the registry's residents where they live in the city.
CREATE TABLE enterprise_employees (
  id {{PK}},
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  name TEXT NOT NULL,
  id_number TEXT NOT NULL,
  phone TEXT NOT NULL,
  resident_id BIGINT NOT NULL,      -- 0: not a resident of the city
  status TEXT NOT NULL,             -- active | left
  back INTEGER NOT NULL,            -- at work (the latest declaration)
  created_at BIGINT NOT NULL,
  UNIQUE (enterprise_id, id_number)
);
-- Employees' daily health declarations.
CREATE TABLE enterprise_declarations (
  employee_id BIGINT NOT NULL REFERENCES enterprise_employees(id),
  day TEXT NOT NULL,
  enterprise_id BIGINT NOT NULL,
  temperature DOUBLE PRECISION NOT NULL,
  symptoms TEXT NOT NULL,
  at_work INTEGER NOT NULL,
  declared_at BIGINT NOT NULL,
  PRIMARY KEY (employee_id, day)
);
-- The resumption and capacity rates by day (the history), one row per dimension value.
CREATE TABLE enterprise_rate_history (
  day TEXT NOT NULL,
  dim TEXT NOT NULL,                -- industry | district | size | city
  dim_key TEXT NOT NULL,
  enterprises BIGINT NOT NULL,
  filed BIGINT NOT NULL,
  opened BIGINT NOT NULL,
  above_scale BIGINT NOT NULL,
  above_scale_open BIGINT NOT NULL,
  staff_before BIGINT NOT NULL,
  staff_back BIGINT NOT NULL,
  PRIMARY KEY (day, dim, dim_key)
);
-- Risk levels and district modes as the events told this module (RiskAreaChanged, AreaModeChanged).
CREATE TABLE enterprise_risk_areas (
  area_code TEXT PRIMARY KEY,
  area_path TEXT {{BINARY}} NOT NULL,
  level TEXT NOT NULL,
  since BIGINT NOT NULL
);
-- Material needs and supply offers (masks, disinfectant, test kits, raw materials, logistics passes).
CREATE TABLE enterprise_needs (
  id {{PK}},
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  kind TEXT NOT NULL,
  item TEXT NOT NULL,
  quantity DOUBLE PRECISION NOT NULL,
  unit TEXT NOT NULL,
  matched DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL,             -- open | matched | fulfilled | cancelled
  needed_by TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE enterprise_offers (
  id {{PK}},
  supplier TEXT NOT NULL,
  enterprise_id BIGINT NOT NULL,    -- 0: a supplier outside the registry
  kind TEXT NOT NULL,
  item TEXT NOT NULL,
  quantity DOUBLE PRECISION NOT NULL,
  remaining DOUBLE PRECISION NOT NULL,
  unit TEXT NOT NULL,
  contact TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE enterprise_allocations (
  id {{PK}},
  need_id BIGINT NOT NULL REFERENCES enterprise_needs(id),
  offer_id BIGINT NOT NULL REFERENCES enterprise_offers(id),
  quantity DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL,             -- matched | fulfilled
  matched_at BIGINT NOT NULL,
  fulfilled_at BIGINT NOT NULL
);
-- Liaison officers (驻企专员), one-to-one; visits; open items with deadlines.
CREATE TABLE enterprise_liaisons (
  enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises(id),
  username TEXT NOT NULL UNIQUE,
  assigned_by TEXT NOT NULL,
  assigned_at BIGINT NOT NULL
);
CREATE TABLE enterprise_visits (
  id {{PK}},
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  username TEXT NOT NULL,
  visited_at BIGINT NOT NULL,
  note TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE enterprise_items (
  id {{PK}},
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  title TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  status TEXT NOT NULL,             -- open | done
  opened_by TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  done_at BIGINT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX enterprise_items_open ON enterprise_items(status, due_at);
-- Appeals (诉求): hotline requests filed for an enterprise.
CREATE TABLE enterprise_appeals (
  request_id BIGINT PRIMARY KEY,    -- the hotline request
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  filed_by TEXT NOT NULL,
  filed_at BIGINT NOT NULL
);
CREATE INDEX enterprise_appeals_ent ON enterprise_appeals(enterprise_id);
-- Policies (惠企政策) with their eligibility rule and benefit formula (policy_rules.h).
CREATE TABLE policies (
  id {{PK}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  package TEXT NOT NULL,            -- the package it belongs to ("稳企26条")
  summary TEXT NOT NULL,
  rule TEXT NOT NULL,
  benefit TEXT NOT NULL,
  budget DOUBLE PRECISION NOT NULL, -- 万元; 0: none set
  status TEXT NOT NULL,             -- draft | published | retired
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  published_at BIGINT NOT NULL,
  retired_at BIGINT NOT NULL
);
-- Benefits pushed without application (免申即享) and their disbursement.
CREATE TABLE policy_benefits (
  policy_id BIGINT NOT NULL REFERENCES policies(id),
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  amount DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL,             -- pushed | confirmed | declined | disbursed | revoked
  pushed_at BIGINT NOT NULL,
  decided_at BIGINT NOT NULL,
  disbursed_at BIGINT NOT NULL,
  reference TEXT NOT NULL,          -- the payment's reference
  PRIMARY KEY (policy_id, enterprise_id)
);
CREATE INDEX policy_benefits_ent ON policy_benefits(enterprise_id);
-- Financing (银企对接): banks' products (eligibility in the rule language) and credit requests.
CREATE TABLE bank_products (
  id {{PK}},
  bank TEXT NOT NULL,
  name TEXT NOT NULL,
  rule TEXT NOT NULL,
  max_amount DOUBLE PRECISION NOT NULL,
  rate DOUBLE PRECISION NOT NULL,   -- annual, percent
  term_months BIGINT NOT NULL,
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE credit_requests (
  id {{PK}},
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  amount DOUBLE PRECISION NOT NULL,
  purpose TEXT NOT NULL,
  status TEXT NOT NULL,             -- open | offered | granted | declined
  product_id BIGINT NOT NULL,
  granted DOUBLE PRECISION NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- Consumption vouchers (消费券): batches, each voucher issued and redeemed.
CREATE TABLE voucher_batches (
  id {{PK}},
  name TEXT NOT NULL,
  face_value DOUBLE PRECISION NOT NULL,  -- yuan
  min_spend DOUBLE PRECISION NOT NULL,   -- yuan: 满 min_spend 减 face_value
  total BIGINT NOT NULL,
  industries TEXT NOT NULL,              -- merchants' sections that accept it ("" any)
  valid_from BIGINT NOT NULL,
  valid_to BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE vouchers (
  id {{PK}},
  batch_id BIGINT NOT NULL REFERENCES voucher_batches(id),
  code TEXT NOT NULL UNIQUE,
  holder TEXT NOT NULL,                  -- the holder's phone
  status TEXT NOT NULL,                  -- issued | redeemed
  issued_at BIGINT NOT NULL,
  redeemed_at BIGINT NOT NULL,
  merchant_id BIGINT NOT NULL,
  spend DOUBLE PRECISION NOT NULL        -- the whole purchase, yuan
);
CREATE INDEX vouchers_batch ON vouchers(batch_id, status);
-- Jobs (稳就业): postings, seekers (returning farmers, graduates) and pushed matches.
CREATE TABLE job_postings (
  id {{PK}},
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
  title TEXT NOT NULL,
  openings BIGINT NOT NULL,
  filled BIGINT NOT NULL,
  district_code TEXT NOT NULL,
  wage_min DOUBLE PRECISION NOT NULL,
  wage_max DOUBLE PRECISION NOT NULL,
  for_kinds TEXT NOT NULL,          -- comma list of seeker kinds it welcomes ("" any)
  status TEXT NOT NULL,             -- open | closed
  created_at BIGINT NOT NULL
);
CREATE TABLE job_seekers (
  id {{PK}},
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  kind TEXT NOT NULL,               -- returning_farmer | graduate | other
  district_code TEXT NOT NULL,
  industries TEXT NOT NULL,         -- comma list of wanted sections ("" any)
  wage_min DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL,             -- seeking | hired
  created_at BIGINT NOT NULL
);
CREATE TABLE job_matches (
  posting_id BIGINT NOT NULL REFERENCES job_postings(id),
  seeker_id BIGINT NOT NULL REFERENCES job_seekers(id),
  score DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL,             -- pushed | hired | declined
  pushed_at BIGINT NOT NULL,
  PRIMARY KEY (posting_id, seeker_id)
);
-- Major investment projects (重大项目): start and resume against plan.
CREATE TABLE major_projects (
  id {{PK}},
  name TEXT NOT NULL,
  district_code TEXT NOT NULL,
  enterprise_id BIGINT NOT NULL,    -- 0: none in the registry
  investment DOUBLE PRECISION NOT NULL,  -- 万元
  planned_start TEXT NOT NULL,
  started_on TEXT NOT NULL,
  status TEXT NOT NULL,             -- planned | started | stopped | resumed | completed
  note TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
)sql",
       "", ""},
      {16, "livelihood: return-home applications (返乡: registration → review → report → confirmation → release, closed loop)",
       R"sql(
-- A return-home application (livelihood/return_home.h): the person, where they are,
-- where home is, the state, the transport and the closing hand-over.
CREATE TABLE return_applications (
  id {{PK}},
  resident_id BIGINT NOT NULL,
  origin_area TEXT NOT NULL,
  origin_path TEXT {{BINARY}} NOT NULL,  -- jurisdiction: the origin area's path
  destination TEXT NOT NULL,
  phone TEXT NOT NULL,
  state TEXT NOT NULL,
  since BIGINT NOT NULL,               -- when the current state was entered
  vehicle TEXT NOT NULL,
  pickup_point TEXT NOT NULL,
  escort TEXT NOT NULL,
  scheduled_at BIGINT NOT NULL,
  reason TEXT NOT NULL,
  received_by TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX return_applications_path ON return_applications(origin_path, id);
CREATE INDEX return_applications_state ON return_applications(state, since);
-- Every state an application entered, who moved it and why.
CREATE TABLE return_steps (
  id {{PK}},
  application_id BIGINT NOT NULL REFERENCES return_applications(id),
  state TEXT NOT NULL,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX return_steps_app ON return_steps(application_id, id);
CREATE INDEX return_steps_at ON return_steps(at);
)sql",
       "", ""},
      {17, "livelihood: relief payments to people in difficulty (困难群众救助)",
       R"sql(
-- A relief application (livelihood/relief.h): the facts it was judged on, the state, the
-- approved rule and amount (fen), the payment's reference.
CREATE TABLE relief_applications (
  id {{PK}},
  resident_id BIGINT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,  -- the resident's unit path: jurisdiction
  district_code TEXT NOT NULL,
  care_tags BIGINT NOT NULL,
  welfare BIGINT NOT NULL,
  quarantined INTEGER NOT NULL,
  lost_income INTEGER NOT NULL,
  state TEXT NOT NULL,
  rule TEXT NOT NULL,
  rules_version BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  payment_ref TEXT NOT NULL,
  reason TEXT NOT NULL,
  applied_at BIGINT NOT NULL,
  approved_at BIGINT NOT NULL,
  paid_at BIGINT NOT NULL,
  rejected_at BIGINT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX relief_applications_path ON relief_applications(area_path, id);
)sql",
       "", ""},
      {18, "quarantine: sites, rooms, people in quarantine, health checks, tests, rules (隔离转运)",
       R"sql(
-- The quarantine rules (quarantine/rules.h), every version kept; the highest is in force.
CREATE TABLE quarantine_rules (
  version {{PK}},
  body TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at BIGINT NOT NULL
);
-- Centralised quarantine sites (hotels and other sites); staff: JSON array of usernames.
CREATE TABLE quarantine_sites (
  id {{PK}},
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  district_code TEXT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,  -- the district's path: jurisdiction
  address TEXT NOT NULL,
  lon DOUBLE PRECISION,
  lat DOUBLE PRECISION,
  open INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  staff TEXT NOT NULL,
  phone TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE quarantine_rooms (
  id {{PK}},
  site_id BIGINT NOT NULL REFERENCES quarantine_sites(id),
  number TEXT NOT NULL,
  beds INTEGER NOT NULL,
  accessible INTEGER NOT NULL,
  in_service INTEGER NOT NULL,
  UNIQUE (site_id, number)
);
-- A person in quarantine (quarantine/lifecycle.h): one row per listing; entered_at is the
-- JSON array of each state's last entry time.
CREATE TABLE quarantine_people (
  id {{PK}},
  contact_id BIGINT NOT NULL,
  resident_id BIGINT NOT NULL,
  household_code TEXT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,  -- the resident's unit path: jurisdiction
  district_code TEXT NOT NULL,
  tier TEXT NOT NULL,
  status TEXT NOT NULL,
  mode TEXT NOT NULL,
  site_id BIGINT,
  room_id BIGINT,
  vehicle TEXT NOT NULL,
  pickup_at BIGINT NOT NULL,
  quarantine_start BIGINT NOT NULL,
  quarantine_end BIGINT NOT NULL,
  certificate TEXT NOT NULL,
  reason TEXT NOT NULL,
  hospital TEXT NOT NULL,
  reassign_count INTEGER NOT NULL,
  relist_count INTEGER NOT NULL,
  entered_at TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX quarantine_people_path ON quarantine_people(area_path, id);
CREATE INDEX quarantine_people_resident ON quarantine_people(resident_id, id);
CREATE INDEX quarantine_people_contact ON quarantine_people(contact_id);
CREATE INDEX quarantine_people_room ON quarantine_people(room_id);
CREATE INDEX quarantine_people_status ON quarantine_people(status);
-- Daily health checks, by staff or by the person on their phone.
CREATE TABLE quarantine_checks (
  id {{PK}},
  person_id BIGINT NOT NULL REFERENCES quarantine_people(id),
  at BIGINT NOT NULL,
  temperature_c DOUBLE PRECISION NOT NULL,
  symptoms TEXT NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX quarantine_checks_person ON quarantine_checks(person_id, at);
-- Test results on the tier's test days.
CREATE TABLE quarantine_tests (
  id {{PK}},
  person_id BIGINT NOT NULL REFERENCES quarantine_people(id),
  sampled_at BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX quarantine_tests_person ON quarantine_tests(person_id, sampled_at);
)sql",
       "", ""},
      {19, "livelihood: supplies to closed compounds (封闭小区生活物资保供: closures, delivery points, orders, stock)",
       R"sql(
-- Which areas are closed for supplies (封控), as this module knows it: from RiskAreaChanged
-- (source 'risk', a community at high level; event_seq the last event applied) or closed
-- by the command centre (source 'order'). A compound is closed when it or an area above
-- it has a closed row.
CREATE TABLE supply_closures (
  area_code TEXT NOT NULL,
  source TEXT NOT NULL,                -- risk | order
  area_path TEXT {{BINARY}} NOT NULL,
  name TEXT NOT NULL,
  closed INTEGER NOT NULL,
  reason TEXT NOT NULL,
  by_name TEXT NOT NULL,
  since BIGINT NOT NULL,
  event_seq BIGINT NOT NULL,
  PRIMARY KEY (area_code, source)
);
CREATE INDEX supply_closures_path ON supply_closures(area_path);
-- A delivery point (配送点, large or small) with its daily capacity in orders.
CREATE TABLE delivery_points (
  id {{PK}},
  kind TEXT NOT NULL,                  -- large | small
  name TEXT NOT NULL,
  capacity_per_day BIGINT NOT NULL,
  area_code TEXT NOT NULL,             -- where it stands
  area_path TEXT {{BINARY}} NOT NULL,  -- jurisdiction
  address TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX delivery_points_path ON delivery_points(area_path, id);
-- The compounds or communities a point serves.
CREATE TABLE delivery_point_areas (
  point_id BIGINT NOT NULL REFERENCES delivery_points(id),
  area_code TEXT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,
  PRIMARY KEY (point_id, area_code)
);
CREATE INDEX delivery_point_areas_path ON delivery_point_areas(area_path);
-- A resident's or a building's (团购) order (livelihood/supplies.h) and its contactless delivery.
CREATE TABLE supply_orders (
  id {{PK}},
  kind TEXT NOT NULL,                  -- resident | group
  compound_code TEXT NOT NULL,
  compound_path TEXT {{BINARY}} NOT NULL,  -- jurisdiction
  building_code TEXT NOT NULL,
  household_code TEXT NOT NULL,
  households BIGINT NOT NULL,
  contact TEXT NOT NULL,
  items TEXT NOT NULL,                 -- JSON [{"item", "quantity"}]
  point_id BIGINT NOT NULL REFERENCES delivery_points(id),
  day TEXT NOT NULL,                   -- the Shanghai date it was placed (the point's capacity)
  state TEXT NOT NULL,
  placed_at BIGINT NOT NULL,
  accepted_at BIGINT NOT NULL,
  packed_at BIGINT NOT NULL,
  out_at BIGINT NOT NULL,
  delivered_at BIGINT NOT NULL,
  failed_at BIGINT NOT NULL,
  deliverer TEXT NOT NULL,             -- the volunteer
  drop_point TEXT NOT NULL,            -- contactless: where it was left
  photo TEXT NOT NULL,                 -- contactless: the photo's reference
  reason TEXT NOT NULL,                -- failed: why
  created_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX supply_orders_path ON supply_orders(compound_path, id);
CREATE INDEX supply_orders_point ON supply_orders(point_id, day, state);
CREATE INDEX supply_orders_building ON supply_orders(building_code, id);
CREATE INDEX supply_orders_deliverer ON supply_orders(deliverer, state);
-- Stock of an item at a point; packing an order takes from it.
CREATE TABLE supply_stock (
  point_id BIGINT NOT NULL REFERENCES delivery_points(id),
  item TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (point_id, item)
);
)sql",
       "", ""},
      {20, "livelihood: the special-care roster (特殊群体关爱: daily calls, the tasks their needs become, the rules)",
       R"sql(
-- The roster's rule sets (livelihood/care_calls.h), every version kept; the highest is in force.
CREATE TABLE care_rules (
  version {{PK}},
  rules TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  reason TEXT NOT NULL
);
-- One call to a rostered resident: who called (a user), how it went, the needs it
-- raised (JSON [{"kind","note"}]), and the resident's unit path (jurisdiction).
-- Escalations are derived from these on read (two missed calls, no call by the deadline).
CREATE TABLE care_calls (
  id {{PK}},
  resident_id BIGINT NOT NULL,
  worker_id BIGINT NOT NULL,
  worker_name TEXT NOT NULL,
  outcome TEXT NOT NULL,
  needs TEXT NOT NULL,
  note TEXT NOT NULL,
  at BIGINT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL
);
CREATE INDEX care_calls_path ON care_calls(area_path, at);
CREATE INDEX care_calls_resident ON care_calls(resident_id, at);
-- A need a call raised, become a task for the grid: open until someone closes it.
CREATE TABLE care_tasks (
  id {{PK}},
  call_id BIGINT NOT NULL REFERENCES care_calls(id),
  resident_id BIGINT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  state TEXT NOT NULL,                 -- open | done
  raised_by TEXT NOT NULL,
  raised_at BIGINT NOT NULL,
  due_by BIGINT NOT NULL,
  closed_by TEXT NOT NULL,
  closed_at BIGINT NOT NULL,
  close_note TEXT NOT NULL
);
CREATE INDEX care_tasks_path ON care_tasks(area_path, id);
CREATE INDEX care_tasks_state ON care_tasks(state, due_by);
)sql",
       "", ""},
      {21, "quarantine: hospitals and fever clinics (医疗救治), admissions, cases awaiting a bed",
       R"sql(
-- A hospital (quarantine/hospitals.h): a designated hospital (定点医院) that admits cases,
-- a fever clinic (发热门诊), or both; its district gives the jurisdiction; beds by kind.
CREATE TABLE hospitals (
  id {{PK}},
  name TEXT NOT NULL,
  kind TEXT NOT NULL,                   -- designated | fever_clinic | both
  district_code TEXT NOT NULL,
  area_path TEXT {{BINARY}} NOT NULL,   -- the district's path: jurisdiction
  beds_ordinary BIGINT NOT NULL,
  beds_severe BIGINT NOT NULL,
  beds_icu BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX hospitals_name ON hospitals(name);
CREATE INDEX hospitals_path ON hospitals(area_path, id);
-- A case's stay in a bed of one kind; a transfer closes one stay (outcome 'transferred')
-- and opens the next. discharged_at 0: still in the bed.
CREATE TABLE hospital_admissions (
  id {{PK}},
  case_id BIGINT NOT NULL,
  resident_id BIGINT NOT NULL,
  hospital_id BIGINT NOT NULL REFERENCES hospitals(id),
  bed_kind TEXT NOT NULL,               -- ordinary | severe | icu
  admitted_at BIGINT NOT NULL,
  admitted_by TEXT NOT NULL,
  discharged_at BIGINT NOT NULL,
  discharged_by TEXT NOT NULL,
  outcome TEXT NOT NULL                 -- '' while in; recovered | died | referred | transferred
);
-- One bed at a time per case.
CREATE UNIQUE INDEX hospital_admissions_open_case ON hospital_admissions(case_id) WHERE discharged_at = 0;
CREATE INDEX hospital_admissions_hospital ON hospital_admissions(hospital_id, discharged_at);
-- Cases awaiting a bed, as CaseConfirmed events told this module (never the tracing
-- tables), with the designated hospital suggested for them; admission_id 0 while waiting.
CREATE TABLE hospital_awaiting (
  case_id BIGINT PRIMARY KEY,
  resident_id BIGINT NOT NULL,
  case_kind TEXT NOT NULL,              -- confirmed | asymptomatic
  area_path TEXT {{BINARY}} NOT NULL,   -- the case's household path
  district_code TEXT NOT NULL,
  report_date TEXT NOT NULL,
  suggested_hospital_id BIGINT NOT NULL,  -- 0: no designated hospital had a free ordinary bed
  event_seq BIGINT NOT NULL,
  since BIGINT NOT NULL,
  admission_id BIGINT NOT NULL
);
CREATE INDEX hospital_awaiting_path ON hospital_awaiting(area_path, case_id);
)sql",
       "", ""},
  };
  return kMigrations;
}

std::string RenderMigration(const Migration& m, Dialect d) {
  std::string sql = m.sql;
  ReplaceAll(sql, "{{PK}}",
             d == Dialect::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                   : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  // Byte-order comparison, so `path >= P AND path < P'` is a prefix range on both.
  ReplaceAll(sql, "{{BINARY}}", d == Dialect::kSqlite ? "COLLATE BINARY" : "COLLATE \"C\"");
  sql += d == Dialect::kSqlite ? m.sqlite_extra : m.postgres_extra;
  return sql;
}

}  // namespace tc::store
