// The tongchou binary's subcommands. main.cc declares every option (name, default,
// help) with CLI11 and calls one of these; each returns the process exit code.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace tc::app {

struct ServeOptions {
  std::string db = "sqlite:./tongchou.db";
  std::string listen = "127.0.0.1:8080";
  int threads = 4;
  int pool_size = 8;
  size_t body_limit = 8 * 1024 * 1024;
  size_t header_limit = 16 * 1024;
  int read_timeout_s = 30;
  int idle_timeout_s = 60;
  int shutdown_grace_s = 10;
  int token_ttl_s = 12 * 3600;
  std::string trusted_proxies;  // comma list of addresses/CIDRs whose X-Forwarded-For is believed
  int login_max_failures = 5;   // per username, before the backoff starts
  int login_base_delay_s = 1;
  int login_max_delay_s = 60;
  int login_address_max_failures = 20;  // per client address, before its lockout
  int login_lockout_s = 900;    // the address lockout
  int login_window_s = 900;     // a count is forgotten this long after its last failure
  std::string log_level = "info";
  std::string access_log = "stdout";  // "stdout", "off" or a file path
  std::string web = "auto";  // built console folder; "auto": web/dist beside the binary or here; "" = none
  std::string today;         // YYYY-MM-DD: the server's clock shows this day (real speed); "" = the real clock
};

struct AdminUserOptions {
  std::string db = "sqlite:./tongchou.db";
  std::string username;
  std::string display_name;
  std::string role;
  std::string area;
  int64_t resident_id = 0;
  bool password_stdin = false;
};

struct AdminAreaOptions {
  std::string db = "sqlite:./tongchou.db";
  std::string code;
  std::string parent;
  std::string name;
  std::string level;
};

struct ImportCliOptions {
  std::string db = "sqlite:./tongchou.db";
  std::string kind;
  std::string file;
  int batch = 20'000;
  size_t max_errors = 1000;
  int64_t cache_mib = 1024;
};

struct ExportCliOptions {
  std::string db = "sqlite:./tongchou.db";
  std::string kind;
  std::string format = "csv";
  std::string out = "-";
};

struct GenTracingOptions {
  std::string db = "sqlite:./tongchou.db";
  uint64_t seed = 1;
  int days = 14;             // checkins
  std::string start;         // checkins: first day (YYYY-MM-DD, Shanghai); "" = the city's generation day
  std::string source = "auto";  // outbreak: venue code, or the big wholesale market
  std::string from;          // outbreak: start of the infection window (RFC 3339 or Shanghai local time)
  double hours = 8;
  std::string model = "dose";  // outbreak: dose or flat
  bool progress = true;
};

struct GenCityOptions {
  std::string db = "sqlite:./tongchou.db";
  std::string preset = "changchun";
  double scale = 0.01;
  uint64_t seed = 1;
  bool progress = true;
};

struct TraceCliOptions {
  std::string db = "sqlite:./tongchou.db";
  std::string venue;        // visitors
  std::string from, to;     // visitors: the window
  std::string cases;        // contacts: case ids, comma-separated
  int first = 0;            // contacts/sources: the first N cases by report date
  int top = 10;             // sources
  int margin = 30;          // contacts: minutes, without leave times
  bool no_secondary = false;
  bool list = false;        // contacts: put them on the contact list (as the CLI user)
  std::string n = "5,10,20";  // evaluate
  int show = 20;            // rows printed
};

// Opens the store and applies migrations; prints the error and returns null on failure.
std::unique_ptr<store::Store> OpenMigrated(const std::string& url, int pool_size = 4);

// Serves until SIGTERM/SIGINT. `on_listening`, if given, is called with the console's
// URL (http://HOST:PORT/, the bound port) once the server listens.
int RunServe(const ServeOptions& options, const std::function<void(const std::string& url)>& on_listening = {});
int RunMigrate(const std::string& db);
int RunDemo(ServeOptions options, bool reset, double scale);
int RunCreateUser(const AdminUserOptions& options);
int RunListUsers(const std::string& db);
int RunDisableUser(const std::string& db, const std::string& username);
int RunVerifyAudit(const std::string& db);
int RunCreateArea(const AdminAreaOptions& options);
int RunGenCity(const GenCityOptions& options);
// `gen venues`, `gen checkins` (venues first if none), `gen outbreak` (gen.cc).
int RunGenVenues(const GenTracingOptions& options);
int RunGenCheckins(const GenTracingOptions& options);
int RunGenOutbreak(const GenTracingOptions& options);
struct GenHotlineOptions {
  std::string db = "sqlite:./tongchou.db";
  int days = 30;
  std::string end_date;  // "" = yesterday (Shanghai)
  int64_t per_day = 0;   // 0: the per-resident rate × the registry's population
  uint64_t seed = 1;
  bool no_log = false;
  bool progress = true;
};
// `gen hotline`: synthetic 12345 requests (gen/hotline.h); prints the summary.
int RunGenHotline(const GenHotlineOptions& options);
struct GenEnterpriseOptions {
  std::string db = "sqlite:./tongchou.db";
  double scale = 0.01;  // as `gen city`: 1.0 is about 1.365 M market entities
  uint64_t seed = 1;
};
// `gen enterprises`: synthetic market entities (gen/enterprises.h); prints the summary.
int RunGenEnterprises(const GenEnterpriseOptions& options);
// Exit 0: all lines accepted; 3: some rejected (listed); 1: stopped early; 2: bad arguments.
int RunImport(const ImportCliOptions& options);
int RunExport(const ExportCliOptions& options);
// `tongchou import checkins FILE` (CSV, or NDJSON when FILE ends in .ndjson/.jsonl).
int RunImportCheckins(const ImportCliOptions& options);
// `tongchou trace visitors|contacts|sources|evaluate|stats`.
int RunTrace(const std::string& what, const TraceCliOptions& options);

// The name the CLI acts as in the audit log: "cli:<login name>".
std::string CliActor();
extern const char* const kVersion;

struct TestingPlanOptions {
  double prevalence = -1;
  int max_pool = 20;
  int64_t capacity = 0;    // lab tests a day (0: not given)
  int64_t population = 0;  // people to test (0: not given)
};
struct GenTestingRoundOptions {
  std::string db = "sqlite:./tongchou.db";
  uint64_t seed = 1;
  std::string date;
  int days = 1;
  double coverage = 0.92;
  int pool = 10;
  bool no_results = false;
};
// `tongchou gen testing-round`: a realistic round on the generated city.
int RunGenTestingRound(const GenTestingRoundOptions& o);

// `tongchou testing plan`: Dorfman's best pool size and tests per person.
int RunTestingPlan(const TestingPlanOptions& o);

struct HealthcodeVerifyOptions {
  std::string keys;     // the public key file (required)
  std::string payload;  // the code's text, or "-" for a line of standard input (required)
  std::string now;      // Unix ms or RFC 3339; "" = the clock
};
// `tongchou healthcode verify`: exit 0 valid (colour or permit, expiry printed), 1 refused
// (the reason printed), 2 bad usage or an unreadable or invalid key file.
int RunHealthcodeVerify(const HealthcodeVerifyOptions& o);

struct HealthcodeKeysOptions {
  std::string db = "sqlite:./tongchou.db";
  std::string out = "-";  // the key file; "-" = standard output
};
// `tongchou healthcode keys`: writes the public keys (the first key is made if none).
int RunHealthcodeKeys(const HealthcodeKeysOptions& o);

struct HealthcodeIssueOptions {
  std::string db = "sqlite:./tongchou.db";
  std::string id_number;
};
// `tongchou healthcode issue`: prints the payload text of a resident's code now (its
// colour from the facts in the database), and the colour and expiry on stderr.
int RunHealthcodeIssue(const HealthcodeIssueOptions& o);

struct HotlineEvalOptions {
  std::string independent;  // a labelled TSV (code<TAB>text) written apart from the corpus; "" = none
  int confusions = 15;      // confusion pairs printed
};
// `tongchou hotline eval`: the classifier's top-1/top-3 per leaf, per category and
// overall on the held-out split (and the independent file); exit 2 on an unreadable file.
int RunHotlineEval(const HotlineEvalOptions& o);

}  // namespace tc::app
