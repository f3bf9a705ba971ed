#!/usr/bin/env python3
"""Each module's SQL names only its own tables (src/README.md: modules talk through
services and events, never each other's tables).

Reads the tables from the migrations (src/store/migrations.cc), their owners from
OWNERS below (a table the migrations create without an owner here fails the check),
and every SQL keyword followed by a table name in the string literals of each
module's non-test sources. Prints each violation as file:line and exits 1.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

OWNERS = {
    "registry": ["areas", "area_mode_history", "households", "residents", "residence_history", "resident_merges",
                 "grids", "grid_buildings", "area_leaders", "assignments", "area_shapes", "area_counts"],
    "auth": ["users", "sessions", "login_throttle"],
    "audit": ["audit_log", "audit_head"],
    "events": ["events", "event_cursors"],
    "store": ["schema_migrations"],
    "tracing": ["venues", "checkins", "cases", "tracing_runs", "contacts", "contact_status_history", "tier_rules"],
    "gen": ["outbreak_truth"],
    "screening": ["test_sites", "test_labs", "test_rounds", "test_tubes", "test_followups"],
    "healthcode": ["risk_rules", "risk_cases", "risk_proposals", "risk_levels", "risk_history", "hc_rules",
                   "hc_colours", "hc_keys", "hc_settings", "checkpoints", "transport_permits",
                   "checkpoint_passages"],
    "hotline": ["hotline_departments", "hotline_categories", "hotline_department_staff", "hotline_rules",
                "hotline_aliases", "hotline_requests", "hotline_request_log", "hotline_api_keys"],
    "enterprise": ["enterprises", "enterprise_accounts", "enterprise_filings", "enterprise_employees",
                   "enterprise_declarations", "enterprise_rate_history", "enterprise_risk_areas", "enterprise_needs",
                   "enterprise_offers", "enterprise_allocations", "enterprise_liaisons", "enterprise_visits",
                   "enterprise_items", "enterprise_appeals", "policies", "policy_benefits", "bank_products",
                   "credit_requests", "voucher_batches", "vouchers", "job_postings", "job_seekers", "job_matches",
                   "major_projects"],
    "quarantine": ["quarantine_rules", "quarantine_sites", "quarantine_rooms", "quarantine_people",
                   "quarantine_checks", "quarantine_tests", "hospitals", "hospital_admissions",
                   "hospital_awaiting"],
    "livelihood": ["return_applications", "return_steps", "relief_applications", "supply_closures",
                   "delivery_points", "delivery_point_areas", "supply_orders", "supply_stock", "care_rules", "care_calls", "care_tasks"],
}

# Sanctioned exceptions, each with its reason.
EXCEPTIONS = {
    # The migrations create every table.
    "store": "*",
    # The synthetic city is a bulk loader: it writes the registry's and the tracing
    # module's rows directly, for speed (src/README.md, gen); `gen hotline` likewise
    # writes hotline_requests and hotline_request_log (21 M rows a year at Beijing's
    # volume: the service's one-transaction-per-request intake would take hours), and
    # `gen enterprises` writes enterprises (1.365 M market entities at scale 1).
    "gen": {"registry", "tracing", "hotline", "enterprise"},
}

KEYWORD = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|EXISTS)\s+([a-z_][a-z0-9_]*)")
BULK = re.compile(r"\bBulk\(\s*\"([a-z_][a-z0-9_]*)\"")
LITERAL = re.compile(r'R"([^(\s]*)\((.*?)\)\1"|"((?:[^"\\\n]|\\.)*)"', re.S)


def tables_in_migrations():
    text = (SRC / "store" / "migrations.cc").read_text(encoding="utf-8")
    return set(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)", text))


def main():
    owner_of = {t: m for m, ts in OWNERS.items() for t in ts}
    problems = []
    created = tables_in_migrations() | {"schema_migrations"}
    for table in sorted(created - owner_of.keys()):
        problems.append(f"src/store/migrations.cc: table '{table}' has no owner in {pathlib.Path(__file__).name}")
    for module_dir in sorted(p for p in SRC.iterdir() if p.is_dir()):
        module = module_dir.name
        allowed = EXCEPTIONS.get(module, set())
        for path in sorted(module_dir.rglob("*.cc")) + sorted(module_dir.rglob("*.h")):
            if path.name.endswith("_test.cc") or path.name.endswith("_fixture.h"):
                continue
            text = path.read_text(encoding="utf-8")
            for lit in LITERAL.finditer(text):
                body = lit.group(2) if lit.group(2) is not None else lit.group(3)
                line = text.count("\n", 0, lit.start()) + 1
                for m in KEYWORD.finditer(body):
                    check(problems, path, line, module, allowed, owner_of, m.group(1))
            for m in BULK.finditer(text):
                check(problems, path, text.count("\n", 0, m.start()) + 1, module, allowed, owner_of, m.group(1))
    for p in problems:
        print(p)
    print(f"table ownership: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def check(problems, path, line, module, allowed, owner_of, table):
    owner = owner_of.get(table)
    if owner is None or owner == module or allowed == "*" or owner in allowed:
        return
    problems.append(f"{path.relative_to(ROOT)}:{line}: module '{module}' names table '{table}' of module '{owner}'")


if __name__ == "__main__":
    sys.exit(main())
