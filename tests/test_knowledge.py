"""The knowledge base: every fact sourced and dated, nothing unverified said, and the audit that checks it."""

from __future__ import annotations

import json
import re
from datetime import date

from click.testing import CliRunner

from bot.knowledge import answers
from bot.knowledge import facts as knowledge
from bot.knowledge.facts import Fact
from commands.knowledge import group

# The day the facts were last reviewed against BRIEF.md. The audit command checks against the real date;
# this test pins the review date so that it says whether the base was clean when it was reviewed.
REVIEWED = date(2026, 11, 30)
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def test_every_entry_has_the_fields_of_the_schema():
    entries = knowledge.read_entries()
    assert len(entries) >= 40
    ids = [entry.get("id") for entry in entries]
    assert len(ids) == len(set(ids)), "duplicate fact ids"
    allowed = {"id", "statement", "source", "source_url", "confidence", "as_of", "say", "notes", "stale_ok_until"}
    for entry in entries:
        assert set(entry) <= allowed, f"{entry.get('id')}: unknown fields {set(entry) - allowed}"
        for name in knowledge.REQUIRED_FIELDS:
            assert entry.get(name), f"{entry.get('id')}: no {name}"
        assert SNAKE_CASE.match(entry["id"]), entry["id"]
        assert entry["source_url"].startswith(("http://", "https://")), entry["id"]
        assert knowledge.parse_date(entry["as_of"]) is not None, f"{entry['id']}: as_of is not an ISO date"
        assert entry["confidence"] in ("V", "S", "U"), entry["id"]
        if entry["confidence"] == "U":
            assert entry.get("say") is False, f"{entry['id']}: an unverified fact must have say: false"
        if "stale_ok_until" in entry:
            assert entry.get("notes"), f"{entry['id']}: stale_ok_until needs a notes reason"


def test_the_facts_the_issue_asks_for_are_in_the_base():
    facts = knowledge.facts_by_id()
    for fact_id in (
        "pmi_minimum_age_18", "pmi_requirements_pasal5", "documents_pasal13", "consent_letter_village_head",
        "registration_ktp_ijazah_akta", "registration_kk", "right_hold_travel_documents", "right_communication",
        "right_safe_return", "right_legal_aid", "duty_report_to_mission", "zero_placement_cost_pasal30",
        "perban9_2020_ten_jobs", "perban9_2020_costs_not_charged", "permen_p2mi_17_2025_exists",
        "placement_bodies_pasal49", "calo_may_not_place", "register_disnaker_ltsa_siapkerja",
        "passport_disnaker_recommendation", "job_order_verified_sip2mi", "opp_at_bp3mi",
        "placement_agreement_at_ltsa", "bpjs_jkk_jkm_compulsory_jht_optional", "bpjs_covers_risks",
        "middle_east_household_ban", "malaysia_main_destination", "siskop2mi_vacancies",
        "bp3mi_p4mi_verify_vacancies", "hotline_kp2mi_crisis_centre", "hotline_kp2mi_crisis_centre_abroad",
        "hotline_kemlu_pwni", "hotline_police_110", "hotline_sapa_129", "ilo_forced_labour_indicators",
        "hk_labour_safe_migration_advice", "missing_relative_data", "missing_relative_police_report",
        "bp3mi_ntt_roles", "ntt_ltsa_kota_kupang_only",
    ):
        assert fact_id in facts, fact_id


def test_hotline_numbers_are_written_as_sourced():
    facts = knowledge.facts_by_id()
    assert "0800-1000" in facts["hotline_kp2mi_crisis_centre"].statement
    assert "+62 21 2924 4800" in facts["hotline_kp2mi_crisis_centre_abroad"].statement
    assert "+62 812 9007 0027" in facts["hotline_kemlu_pwni"].statement
    assert "110" in facts["hotline_police_110"].statement
    assert "08111-129-129" in facts["hotline_sapa_129"].statement


def test_every_fact_an_answer_states_exists_is_verified_or_secondary_and_sayable():
    facts = knowledge.facts_by_id()
    for intent, spec in answers.ANSWERS.items():
        for fact_id in spec.facts:
            assert fact_id in facts, f"{intent} names unknown fact {fact_id}"
            fact = facts[fact_id]
            assert fact.confidence in ("V", "S"), f"{intent} states {fact_id} [{fact.confidence}]"
            assert fact.say, f"{intent} states {fact_id}, which has say: false"
            assert fact.source_url and fact.as_of


def test_penalty_figures_and_unconfirmed_rules_are_not_said():
    facts = knowledge.facts_by_id()
    # The calo penalty is said since 2026-11-30 as Kemnaker's maxima, without its unverified article numbers.
    for fact_id in ("permen_17_2025_replaces_perban9", "amendment_amnesty_pending"):
        assert facts[fact_id].say is False
        assert all(fact_id not in spec.facts for spec in answers.ANSWERS.values())


def test_audit_is_clean_with_the_default_max_age_on_the_review_date():
    rows = knowledge.audit(knowledge.DEFAULT_MAX_AGE_DAYS, REVIEWED)
    assert [(row.fact_id, row.problems) for row in knowledge.problems(rows)] == []
    assert {row.fact_id for row in rows} == set(knowledge.facts_by_id())
    used = {row.fact_id for row in rows if row.used_by}
    assert "zero_placement_cost_pasal30" in used and "hotline_kemlu_pwni" in used


def test_audit_flags_every_kind_of_problem():
    def fact(fact_id: str, **changes: object) -> Fact:
        values: dict = dict(id=fact_id, statement="A statement.", source="A source",
                            source_url="https://example.org/a", confidence="S", as_of=date(2026, 1, 1))
        values.update(changes)
        return Fact(**values)

    facts = [
        fact("good"),
        fact("no_url", source_url=""),
        fact("no_date", as_of=None),
        fact("bad_date", as_of=None, raw_as_of="last year"),
        fact("old", as_of=date(2020, 1, 1)),
        fact("old_accepted", as_of=date(2020, 1, 1), stale_ok_until=date(2026, 12, 31), notes="checking"),
        fact("old_waiver_expired", as_of=date(2020, 1, 1), stale_ok_until=date(2026, 6, 1), notes="checking"),
        fact("unverified_used", confidence="U", say=False),
        fact("unsaid_used", say=False),
        fact("unverified_said", confidence="U"),
        fact("future", as_of=date(2027, 1, 1)),
        fact("old_unsaid", as_of=date(2020, 1, 1), say=False),
        fact("good"),
    ]
    references = {"ask_x": ["good", "unverified_used", "unsaid_used", "missing_one"]}
    rows = knowledge.audit(730, date(2026, 11, 27), facts=facts, references=references)
    by_id: dict[str, list[str]] = {}
    for row in rows:
        by_id.setdefault(row.fact_id, []).append(" ".join(row.problems))
    assert by_id["good"][0] == ""
    assert "duplicate id" in by_id["good"][1]
    assert "no source_url" in by_id["no_url"][0]
    assert "no as_of" in by_id["no_date"][0]
    assert "not an ISO date" in by_id["bad_date"][0]
    assert "older than 730 days" in by_id["old"][0]
    assert by_id["old_accepted"][0] == ""
    assert "older than 730 days" in by_id["old_waiver_expired"][0]
    assert "unverified (U) fact used by ask_x" in by_id["unverified_used"][0]
    assert "say: false but used by ask_x" in by_id["unsaid_used"][0]
    assert "without say: false" in by_id["unverified_said"][0]
    assert "future" in by_id["future"][0]
    assert by_id["old_unsaid"][0] == ""
    assert "missing from the knowledge base" in by_id["missing_one"][0]
    accepted = next(row for row in rows if row.fact_id == "old_accepted")
    assert "accepted until 2026-12-31" in accepted.remarks[0]


def test_audit_of_stale_facts_depends_on_the_max_age():
    old = Fact("old", "A statement.", "A source", "https://example.org", "V", date(2024, 1, 1))
    assert knowledge.problems(knowledge.audit(1100, date(2026, 11, 27), facts=[old], references={})) == []
    assert knowledge.problems(knowledge.audit(365, date(2026, 11, 27), facts=[old], references={}))


def test_cli_audit_lists_every_fact_with_its_source():
    result = CliRunner().invoke(group, ["audit", "--max-age-days", "100000"])
    assert result.exit_code == 0, result.output
    for fact in knowledge.load_facts():
        assert fact.id in result.output
        assert fact.source_url in result.output
    assert "no problems" in result.output


def test_cli_audit_fails_when_facts_are_too_old():
    result = CliRunner().invoke(group, ["audit", "--max-age-days", "0"])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "older than 0 days" in result.output


def test_cli_audit_json():
    result = CliRunner().invoke(group, ["audit", "--max-age-days", "100000", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["problems"] == 0
    assert {row["id"] for row in data["facts"]} == set(knowledge.facts_by_id())


def test_knowledge_audit_is_registered_on_the_flask_cli(app):
    result = app.test_cli_runner().invoke(args=["knowledge", "audit", "--max-age-days", "100000"])
    assert result.exit_code == 0, result.output
    assert "zero_placement_cost_pasal30" in result.output
