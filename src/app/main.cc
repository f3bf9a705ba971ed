// tongchou: one binary, subcommands. Every option is declared here with its
// default and a line of help; `tongchou <cmd> --help` prints them.
#include <CLI/CLI.hpp>

#include "app/app.h"
#include "tracing/rules.h"
#include "base/crypto.h"

int main(int argc, char** argv) {
  using namespace tc::app;
  CLI::App cli{"Tongchou (统筹): run epidemic control and economic and social recovery together.", "tongchou"};
  cli.set_version_flag("--version", kVersion);
  cli.require_subcommand(1);
  cli.option_defaults()->always_capture_default();

  ServeOptions serve;
  auto add_serve_options = [&serve](CLI::App* cmd) {
    cmd->add_option("--db", serve.db, "Database URL: sqlite:PATH or postgresql://...");
    cmd->add_option("--listen", serve.listen,
                    "HOST:PORT to listen on (port 0 picks a free one; ':PORT' listens on every interface)");
    cmd->add_option("--threads", serve.threads, "HTTP worker threads")->check(CLI::Range(1, 256));
    cmd->add_option("--pool-size", serve.pool_size, "Database connections kept open")->check(CLI::Range(1, 256));
    cmd->add_option("--body-limit", serve.body_limit, "Largest request body in bytes (larger → 413)");
    cmd->add_option("--header-limit", serve.header_limit, "Largest request header block in bytes (larger → 431)");
    cmd->add_option("--read-timeout", serve.read_timeout_s, "Seconds to receive a whole request")->check(CLI::Range(1, 3600));
    cmd->add_option("--idle-timeout", serve.idle_timeout_s, "Seconds an idle keep-alive connection stays open")
        ->check(CLI::Range(1, 3600));
    cmd->add_option("--shutdown-grace", serve.shutdown_grace_s,
                    "Seconds in-flight requests may take after SIGTERM/SIGINT")->check(CLI::Range(0, 3600));
    cmd->add_option("--token-ttl", serve.token_ttl_s, "Seconds a login token stays valid")->check(CLI::Range(1, 30 * 86400));
    cmd->add_option("--trusted-proxies", serve.trusted_proxies,
                    "Comma list of reverse-proxy addresses/CIDRs (e.g. 127.0.0.1,10.0.0.0/8): from these peers the "
                    "client is the right-most X-Forwarded-For address that is not itself a trusted proxy; other "
                    "peers' X-Forwarded-For is ignored. Default: none");
    cmd->add_option("--login-max-failures", serve.login_max_failures,
                    "Failed logins for one username after which its next login must wait --login-base-delay, "
                    "doubling with each further failure up to --login-max-delay (even the right password gets 429 "
                    "with Retry-After during the wait; a successful login resets the count)")
        ->check(CLI::Range(1, 1000));
    cmd->add_option("--login-base-delay", serve.login_base_delay_s, "Seconds of the first wait of a username")
        ->check(CLI::Range(1, 3600));
    cmd->add_option("--login-max-delay", serve.login_max_delay_s,
                    "Longest wait, in seconds, failures can impose on a username (so a stranger cannot lock an "
                    "account out for longer)")->check(CLI::Range(1, 3600));
    cmd->add_option("--login-address-max-failures", serve.login_address_max_failures,
                    "Failed logins from one client address (any usernames) before that address is locked out for "
                    "--login-lockout")->check(CLI::Range(1, 100000));
    cmd->add_option("--login-lockout", serve.login_lockout_s, "Seconds a client address stays locked out")
        ->check(CLI::Range(1, 86400));
    cmd->add_option("--login-window", serve.login_window_s,
                    "Seconds without a failure after which a username's or an address's count is forgotten")
        ->check(CLI::Range(1, 86400));
    cmd->add_option("--log-level", serve.log_level, "trace, debug, info, warn, error")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    cmd->add_option("--access-log", serve.access_log, "Access log: stdout, off, or a file path (JSON lines)");
    cmd->add_option("--today", serve.today,
                    "YYYY-MM-DD: run the server's clock on this day (time still advances), for data that lie "
                    "in the past; empty = the real clock (demo: the day of the last check-in)");
    cmd->add_option("--web", serve.web,
                    "Folder of the built web console; 'auto' finds web/dist near the binary or the working "
                    "directory; '' serves the API only");
  };

  auto* serve_cmd = cli.add_subcommand("serve", "Run the HTTP API server");
  add_serve_options(serve_cmd);

  bool demo_reset = false;
  auto* demo_cmd = cli.add_subcommand("demo", "Prepare a small demo city and serve it (prints URL and logins)");
  add_serve_options(demo_cmd);
  demo_cmd->get_option("--db")->default_val("sqlite:./tongchou-demo.db");
  demo_cmd->add_flag("--reset", demo_reset, "Delete the demo database first");
  double demo_scale = 0.01;
  demo_cmd->add_option("--scale", demo_scale, "Size of the synthetic city (1.0 = 9.07 million residents)")
      ->check(CLI::Range(0.0001, 10.0));

  std::string migrate_db = "sqlite:./tongchou.db";
  auto* migrate_cmd = cli.add_subcommand("migrate", "Apply pending schema migrations and print the version");
  migrate_cmd->add_option("--db", migrate_db, "Database URL");

  auto* admin = cli.add_subcommand("admin", "Accounts, areas and audit from the command line");
  admin->require_subcommand(1);
  AdminUserOptions user;
  auto* create_user = admin->add_subcommand("create-user", "Create a user bound to an area node");
  create_user->add_option("--db", user.db, "Database URL");
  create_user->add_option("--username", user.username, "Login name (3-32 of a-z 0-9 _ . -)")->required();
  create_user->add_option("--display-name", user.display_name, "Name shown in the console (default: username)");
  create_user->add_option("--role", user.role,
                          "admin, commander, area_operator, grid_worker, hotline_agent, department_handler, "
                          "enterprise_user, resident, sampler, lab_technician, checkpoint_staff, site_staff or medical_staff")->required();
  create_user->add_option("--area", user.area, "Area code of the user's jurisdiction")->required();
  create_user->add_option("--resident", user.resident_id, "Role resident: the resident (id) this account belongs to");
  create_user->add_flag("--password-stdin", user.password_stdin, "Read the password from standard input")->required();

  std::string list_db = "sqlite:./tongchou.db";
  auto* list_users = admin->add_subcommand("list-users", "List every user");
  list_users->add_option("--db", list_db, "Database URL");

  std::string disable_db = "sqlite:./tongchou.db", disable_name;
  auto* disable_user = admin->add_subcommand("disable-user", "Disable a user and revoke their sessions");
  disable_user->add_option("--db", disable_db, "Database URL");
  disable_user->add_option("--username", disable_name, "Login name")->required();

  std::string verify_db = "sqlite:./tongchou.db";
  auto* verify = admin->add_subcommand("verify-audit",
                                       "Check the audit log's hash chain; exit 1 and name the first broken link");
  verify->add_option("--db", verify_db, "Database URL");

  AdminAreaOptions area;
  auto* create_area = admin->add_subcommand("create-area", "Create an area (the city first, then its children)");
  create_area->add_option("--db", area.db, "Database URL");
  create_area->add_option("--code", area.code, "12-digit division code (city..community) or derived code")->required();
  create_area->add_option("--parent", area.parent, "Parent area code (empty for the city)");
  create_area->add_option("--name", area.name, "Name, e.g. 南关区")->required();
  create_area->add_option("--level", area.level, "city, district, street, community, compound, building, unit")
      ->required();

  GenCityOptions gen_options;
  auto* gen_cmd = cli.add_subcommand("gen", "Generate synthetic data for demos, tests and benchmarks");
  gen_cmd->require_subcommand(1);
  auto* gen_city = gen_cmd->add_subcommand(
      "city", "A deterministic synthetic city in an empty database: areas with polygons, dwellings, residents, "
              "grids, 三长 and 包保 (with a few deliberate gaps)");
  gen_city->add_option("--db", gen_options.db, "Database URL");
  gen_city->add_option("--preset", gen_options.preset, "City preset")->check(CLI::IsMember({"changchun"}));
  gen_city->add_option("--scale", gen_options.scale, "Size: 1.0 = the preset's population (长春 9.07 million)")
      ->check(CLI::Range(0.0001, 10.0));
  gen_city->add_option("--seed", gen_options.seed, "Random seed: the same seed gives the same city");
  bool gen_quiet = false;
  gen_city->add_flag("--quiet", gen_quiet, "No progress line");
  GenTracingOptions gen_tracing;
  auto* gen_venues = gen_cmd->add_subcommand("venues", "Venues (场所码) for the generated city, with one big "
                                                       "新发地-like wholesale market");
  gen_venues->add_option("--db", gen_tracing.db, "Database URL");
  gen_venues->add_option("--seed", gen_tracing.seed, "Random seed");
  auto* gen_checkins = gen_cmd->add_subcommand(
      "checkins", "A mobility-plausible check-in stream for the generated city (~5 per resident and day); "
                  "generates venues first if there are none");
  gen_checkins->add_option("--db", gen_tracing.db, "Database URL");
  gen_checkins->add_option("--days", gen_tracing.days, "Days of check-ins")->check(CLI::Range(1, 366));
  gen_checkins->add_option("--start", gen_tracing.start, "First day, YYYY-MM-DD (default: the city's, 2022-03-01)");
  gen_checkins->add_option("--seed", gen_tracing.seed, "Random seed: the same seed gives the same check-ins");
  gen_checkins->add_flag("--quiet", gen_quiet, "No progress lines");
  auto* gen_outbreak = gen_cmd->add_subcommand(
      "outbreak", "Seed an outbreak on the check-ins: infections at a source venue in a window, onward at shared "
                  "venues and in households; writes the ground truth and the cases detected by the end");
  gen_outbreak->add_option("--db", gen_tracing.db, "Database URL");
  gen_outbreak->add_option("--source", gen_tracing.source, "Venue code (场所码), or auto: the big wholesale market");
  gen_outbreak->add_option("--from", gen_tracing.from, "Start of the infection window, e.g. 2022-03-02T06:00")
      ->required();
  gen_outbreak->add_option("--hours", gen_tracing.hours, "Length of the infection window at the source")
      ->check(CLI::Range(0.1, 336.0));
  gen_outbreak->add_option("--seed", gen_tracing.seed, "Random seed");
  gen_outbreak->add_option("--model", gen_tracing.model,
                           "Transmission model: dose (minutes of real overlap, zones; docs/transmission-model.md) "
                           "or flat (one chance per tracing contact)");

  GenHotlineOptions gen_hotline;
  auto* gen_hotline_cmd = gen_cmd->add_subcommand(
      "hotline", "Synthetic 12345 requests at Beijing-like volume per resident (2023: ~58,700 a day for 21.85 M): "
                 "varied texts from the classifier's training corpus, noisy addresses resolved as the intake does, "
                 "lifecycles through the workflow, an epidemic wave on days with cases");
  gen_hotline_cmd->add_option("--db", gen_hotline.db, "Database URL");
  gen_hotline_cmd->add_option("--days", gen_hotline.days, "Receipt days ending at --end-date")->check(CLI::Range(1, 3660));
  gen_hotline_cmd->add_option("--end-date", gen_hotline.end_date,
                              "Last receipt day YYYY-MM-DD (default: yesterday, Shanghai); rows are as of midnight after it");
  gen_hotline_cmd->add_option("--per-day", gen_hotline.per_day,
                              "Requests a day on average instead of the per-resident rate (the benchmark: 58700)")
      ->check(CLI::Range(int64_t{0}, int64_t{10'000'000}));
  gen_hotline_cmd->add_option("--seed", gen_hotline.seed, "Random seed: the same seed gives the same requests");
  gen_hotline_cmd->add_flag("--no-log", gen_hotline.no_log, "Skip hotline_request_log rows (the 21 M benchmark)");
  gen_hotline_cmd->add_flag("--quiet", gen_quiet, "No progress lines");

  GenEnterpriseOptions gen_enterprises;
  auto* gen_enterprises_cmd = gen_cmd->add_subcommand(
      "enterprises", "Synthetic market entities for the city's communities at the seeds' density (about 1.365 M at "
                     "scale 1): valid credit codes, industry mix, sizes and 规上 by the real thresholds");
  gen_enterprises_cmd->add_option("--db", gen_enterprises.db, "Database URL");
  gen_enterprises_cmd->add_option("--scale", gen_enterprises.scale, "As gen city's --scale (1.0: the full city)")
      ->check(CLI::Range(0.0001, 2.0));
  gen_enterprises_cmd->add_option("--seed", gen_enterprises.seed, "Random seed");

  ImportCliOptions import_options;
  auto* import_cmd = cli.add_subcommand("import", "Bulk-load a CSV file (UTF-8 or GBK, Chinese or English headers)");
  import_cmd->add_option("kind", import_options.kind, "areas, dwellings, residents, assignments, checkins or enterprises")
      ->required();
  import_cmd->add_option("file", import_options.file, "The CSV file")->required()->check(CLI::ExistingFile);
  import_cmd->add_option("--db", import_options.db, "Database URL");
  import_cmd->add_option("--batch", import_options.batch, "Lines per committed batch")->check(CLI::Range(1, 1'000'000));
  import_cmd->add_option("--max-errors", import_options.max_errors, "Rejected lines listed at most");
  import_cmd->add_option("--cache-mib", import_options.cache_mib,
                         "SQLite page cache while importing, MiB (large tables' indexes are updated at random)")
      ->check(CLI::Range(0, 65536));

  ExportCliOptions export_options;
  auto* export_cmd = cli.add_subcommand("export", "Write a registry list as CSV (UTF-8 with BOM) or XLSX, unmasked "
                                                  "(audited)");
  export_cmd->add_option("kind", export_options.kind, "residents, areas, dwellings or assignments")->required();
  export_cmd->add_option("--db", export_options.db, "Database URL");
  export_cmd->add_option("--format", export_options.format, "csv or xlsx")->check(CLI::IsMember({"csv", "xlsx"}));
  export_cmd->add_option("--out", export_options.out, "Output file ('-' for standard output, csv only)");
  TraceCliOptions trace;
  auto* trace_cmd = cli.add_subcommand("trace", "Exposure tracing (流调) on the check-ins in the database");
  trace_cmd->require_subcommand(1);
  auto* trace_visitors = trace_cmd->add_subcommand("visitors", "Everyone at a venue in a window (the Xinfadi query)");
  trace_visitors->add_option("--venue", trace.venue, "Venue code (场所码)")->required();
  trace_visitors->add_option("--from", trace.from, "Start: 2022-03-05T08:00+08:00 or '2022-03-05 08:00'")->required();
  trace_visitors->add_option("--to", trace.to, "End (default: now)");
  auto* trace_contacts = trace_cmd->add_subcommand("contacts", "Close and secondary contacts of cases");
  trace_contacts->add_option("--cases", trace.cases, "Case ids, comma-separated");
  trace_contacts->add_option("--first", trace.first, "Or: the first N cases by report date");
  trace_contacts->add_option("--margin", trace.margin, "Minutes of presence margin without leave times")
      ->check(CLI::Range(tc::tracing::Minute{0}, tc::tracing::kMaxMarginMinutes));
  trace_contacts->add_flag("--no-secondary", trace.no_secondary, "Close contacts only");
  trace_contacts->add_flag("--list", trace.list, "Put them on the contact list (audited as the CLI user)");
  auto* trace_sources = trace_cmd->add_subcommand("sources", "Rank venues as the likely source of the first N cases");
  trace_sources->add_option("--first", trace.first, "How many cases, by report date")->required();
  trace_sources->add_option("--top", trace.top, "Venues to show")->check(CLI::Range(1, 200));
  auto* trace_evaluate = trace_cmd->add_subcommand(
      "evaluate", "Against a generated outbreak's ground truth: recall of the rings and the true source's rank");
  trace_evaluate->add_option("--n", trace.n, "Case counts, comma-separated");
  trace_evaluate->add_option("--margin", trace.margin, "Minutes of presence margin without leave times")
      ->check(CLI::Range(tc::tracing::Minute{0}, tc::tracing::kMaxMarginMinutes));
  auto* trace_stats = trace_cmd->add_subcommand("stats", "Load the engine and print its size");
  for (auto* c : {trace_visitors, trace_contacts, trace_sources, trace_evaluate}) {
    c->add_option("--show", trace.show, "Rows to print");
  }
  for (auto* c : {trace_visitors, trace_contacts, trace_sources, trace_evaluate, trace_stats}) {
    c->add_option("--db", trace.db, "Database URL");
  }

  tc::app::GenTestingRoundOptions gen_round;
  auto* gen_testing_round = gen_cmd->add_subcommand(
      "testing-round", "A mass-testing round on the generated city: sites, labs, 90-95 % sampled through the day, "
                       "tubes shipped and resulted, positive pools retested (true positives from the outbreak)");
  gen_testing_round->add_option("--db", gen_round.db, "Database URL");
  gen_testing_round->add_option("--seed", gen_round.seed, "Random seed");
  gen_testing_round->add_option("--date", gen_round.date, "Sampling day YYYY-MM-DD (default: the day after the "
                                                          "last check-in)");
  gen_testing_round->add_option("--days", gen_round.days, "Days the round stays open")->check(CLI::Range(1, 31));
  gen_testing_round->add_option("--coverage", gen_round.coverage, "Share sampled")->check(CLI::Range(0.01, 1.0));
  gen_testing_round->add_option("--pool", gen_round.pool, "Pool size k")->check(CLI::Range(1, 20));
  gen_testing_round->add_flag("--no-results", gen_round.no_results, "Sampling only: no shipments or results");

  tc::app::TestingPlanOptions plan;
  auto* testing_cmd = cli.add_subcommand("testing", "Mass nucleic-acid testing (核酸检测)");
  testing_cmd->require_subcommand(1);
  auto* testing_plan = testing_cmd->add_subcommand(
      "plan", "Dorfman pooling: the best pool size and expected tests per person for a prevalence");
  testing_plan->add_option("--prevalence", plan.prevalence, "Share of people infected, 0-1 (0.001 = 0.1 %)")
      ->required()
      ->check(CLI::Range(0.0, 1.0));
  testing_plan->add_option("--max-pool", plan.max_pool, "Largest pool size")->check(CLI::Range(1, 20));
  testing_plan->add_option("--capacity", plan.capacity, "Lab tests a day: also print people a day")
      ->check(CLI::NonNegativeNumber);
  testing_plan->add_option("--population", plan.population, "People to test: also print days for them")
      ->check(CLI::NonNegativeNumber);

  // The `healthcode` group: signed health codes and transport permits. Each subcommand
  // adds itself here and below CLI11_PARSE (verify: offline, no database).
  auto* healthcode_cmd = cli.add_subcommand("healthcode", "Signed health codes (健康码) and transport permits (通行证)");
  healthcode_cmd->require_subcommand(1);
  tc::app::HealthcodeVerifyOptions healthcode_verify_options;
  auto* healthcode_verify = healthcode_cmd->add_subcommand(
      "verify", "Verify a code's text offline against a key file: print the colour (a permit: plate and window) and "
                "expiry and exit 0, or why it is refused and exit 1 (2: bad usage or key file)");
  healthcode_verify->add_option("payload", healthcode_verify_options.payload,
                                "The text the QR carries (TC1.…); '-' reads one line from standard input");
  healthcode_verify->add_option("--keys", healthcode_verify_options.keys,
                                "Public key file (tongchou-healthcode-keys/1 JSON, from `healthcode keys`); required");
  healthcode_verify->add_option("--now", healthcode_verify_options.now,
                                "Verify as of this time: Unix ms or RFC 3339 (default: the clock)");

  tc::app::HealthcodeKeysOptions healthcode_keys_options;
  auto* healthcode_keys = healthcode_cmd->add_subcommand(
      "keys", "Export the public keys that verify codes and permits (for checkpoint devices)");
  healthcode_keys->add_option("--db", healthcode_keys_options.db, "Database URL")->capture_default_str();
  healthcode_keys->add_option("--out", healthcode_keys_options.out, "Key file to write ('-': standard output)")
      ->capture_default_str();
  tc::app::HealthcodeIssueOptions healthcode_issue_options;
  auto* healthcode_issue = healthcode_cmd->add_subcommand(
      "issue", "Print the signed payload of a resident's health code now (the text its QR carries)");
  healthcode_issue->add_option("--db", healthcode_issue_options.db, "Database URL")->capture_default_str();
  healthcode_issue->add_option("--id-number", healthcode_issue_options.id_number, "The resident's ID number")
      ->required();

  // The `hotline` group: the 12345 hotline.
  auto* hotline_cmd = cli.add_subcommand("hotline", "The 12345 citizen hotline (接诉即办)");
  hotline_cmd->require_subcommand(1);
  tc::app::HotlineEvalOptions hotline_eval_options;
  auto* hotline_eval = hotline_cmd->add_subcommand(
      "eval", "The request classifier's top-1/top-3 accuracy per category on the corpus's held-out split "
              "(and an independent file): trains each model on the rest of the corpus, no database");
  hotline_eval->add_option("--independent", hotline_eval_options.independent,
                           "Labelled TSV (header code<TAB>text) written apart from the corpus, e.g. "
                           "tests/data/hotline/independent.tsv");
  hotline_eval->add_option("--confusions", hotline_eval_options.confusions, "Confusion pairs printed")
      ->check(CLI::Range(0, 1000));

  CLI11_PARSE(cli, argc, argv);
  if (auto s = tc::InitCrypto(); !s.ok()) {
    std::fprintf(stderr, "tongchou: %s\n", s.ToString().c_str());
    return 2;
  }
  if (*serve_cmd) return RunServe(serve);
  if (*demo_cmd) return RunDemo(serve, demo_reset, demo_scale);
  if (*migrate_cmd) return RunMigrate(migrate_db);
  if (*create_user) return RunCreateUser(user);
  if (*list_users) return RunListUsers(list_db);
  if (*disable_user) return RunDisableUser(disable_db, disable_name);
  if (*verify) return RunVerifyAudit(verify_db);
  if (*create_area) return RunCreateArea(area);
  if (*import_cmd) {
    return import_options.kind == "checkins" ? RunImportCheckins(import_options) : RunImport(import_options);
  }
  for (auto* c : {trace_visitors, trace_contacts, trace_sources, trace_evaluate, trace_stats}) {
    if (*c) return RunTrace(c->get_name(), trace);
  }
  if (*gen_city) {
    gen_options.progress = !gen_quiet;
    return RunGenCity(gen_options);
  }
  if (*testing_plan) return RunTestingPlan(plan);
  if (*healthcode_verify) return RunHealthcodeVerify(healthcode_verify_options);
  if (*healthcode_keys) return RunHealthcodeKeys(healthcode_keys_options);
  if (*healthcode_issue) return RunHealthcodeIssue(healthcode_issue_options);
  if (*hotline_eval) return RunHotlineEval(hotline_eval_options);
  if (*gen_testing_round) return RunGenTestingRound(gen_round);
  if (*gen_venues) return RunGenVenues(gen_tracing);
  if (*gen_checkins) {
    gen_tracing.progress = !gen_quiet;
    return RunGenCheckins(gen_tracing);
  }
  if (*gen_outbreak) return RunGenOutbreak(gen_tracing);
  if (*gen_enterprises_cmd) return RunGenEnterprises(gen_enterprises);
  if (*gen_hotline_cmd) {
    gen_hotline.progress = !gen_quiet;
    return RunGenHotline(gen_hotline);
  }
  if (*export_cmd) {
    if (export_options.format == "xlsx" && export_options.out == "-") {
      std::fprintf(stderr, "tongchou export: --format xlsx needs --out FILE\n");
      return 2;
    }
    return RunExport(export_options);
  }
  return 2;
}
