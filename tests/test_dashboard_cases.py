"""Case work on the web through Flask's test client: the one access rule, filters, paging, and the four actions."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

import pytest

from tests.conftest import rows
from tests.web import BELU_MAN
from tests.web import BELU_WOMAN
from tests.web import DESK
from tests.web import build_province
from tests.web import csrf_token
from tests.web import sign_in


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    """The test configuration with the keyword classifier (no model training needed for web pages)."""
    return {**config, "NLU_BACKEND": "keywords", "SECRET_KEY": "test-secret-key-for-the-dashboard-0123"}


@pytest.fixture
def province(app):
    """Officers with passwords and cases in Belu and TTS."""
    found = build_province(app)
    yield found
    found.db.close()


def signed_in(app, phone: str):
    """Return a test client signed in as the officer with `phone`."""
    client = app.test_client()
    assert sign_in(client, phone).status_code == 302
    return client


def post(client, path: str, **data: str):
    """Post a form with the session's CSRF token (taken from the start page's sign-out form)."""
    page = client.get("/dashboard/")
    return client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})


def listed(client, query: str = "") -> str:
    return client.get("/dashboard/cases" + query).get_data(as_text=True)


def test_each_officer_lists_exactly_the_cases_the_access_rule_gives(app, province):
    refs = province.refs
    belu_man = listed(signed_in(app, BELU_MAN))
    assert refs["wages"] in belu_man and refs["fees"] in belu_man
    assert refs["woman"] not in belu_man and refs["tts"] not in belu_man and refs["unknown"] not in belu_man
    belu_woman = listed(signed_in(app, BELU_WOMAN))
    assert refs["woman"] in belu_woman and refs["tts"] not in belu_woman
    desk = listed(signed_in(app, DESK))
    assert all(ref in desk for ref in refs.values())


def test_a_man_gets_404_for_a_case_whose_reporter_asked_for_a_woman(app, province, db_path):
    client = signed_in(app, BELU_MAN)
    ref = province.refs["woman"]
    assert client.get(f"/dashboard/cases/{ref}").status_code == 404
    assert client.get(f"/dashboard/cases/{province.refs['tts']}").status_code == 404   # another kabupaten
    assert client.get("/dashboard/cases/ADU-ZZZZZZ").status_code == 404                 # no such case
    assert post(client, f"/dashboard/cases/{ref}/take").status_code == 404
    assert post(client, f"/dashboard/cases/{ref}/note", text="saya lihat").status_code == 404
    case = rows(db_path, "select status, assigned_officer_id from cases where ref = ?", [ref])[0]
    assert case == {"status": "open", "assigned_officer_id": None}
    denied = rows(db_path, "select detail from audit_log where action = 'denied' and actor = ?",
                  [f"officer:{province.officers['belu_man'].id}"])
    assert len(denied) == 4 and all("via web" in r["detail"] for r in denied)
    assert signed_in(app, BELU_WOMAN).get(f"/dashboard/cases/{ref}").status_code == 200


def test_the_case_page_shows_what_the_officer_may_read(app, province, db_path):
    client = signed_in(app, BELU_WOMAN)
    html = client.get(f"/dashboard/cases/{province.refs['wages']}").get_data(as_text=True)
    for fragment in ("Gaji saya tidak dibayar 5 bulan di Malaysia", "Penahanan upah", "setelah jam 8 malam",
                     "Tawau", "Silawan, Belu", "WITA"):
        assert fragment in html, fragment
    html = client.get(f"/dashboard/cases/{province.refs['woman']}").get_data(as_text=True)
    assert "Pelapor minta petugas perempuan" in html
    reads = rows(db_path, "select detail from audit_log where action = 'read' and actor = ?",
                 [f"officer:{province.officers['belu_woman'].id}"])
    assert [r["detail"] for r in reads] == ["KASUS via web", "KASUS via web"]


def test_a_sensitive_case_shows_its_text_only_to_whoever_takes_it_and_the_desk(app, province):
    ref = province.report("sensitive", "abuse", "Saya hamil dan dipukul majikan", kabupaten="Belu", sensitive=1)
    client = signed_in(app, BELU_MAN)
    before = client.get(f"/dashboard/cases/{ref}").get_data(as_text=True)
    assert "Saya hamil" not in before and "Laporan rahasia" in before
    assert post(client, f"/dashboard/cases/{ref}/take").status_code == 302
    assert "Saya hamil" in client.get(f"/dashboard/cases/{ref}").get_data(as_text=True)
    assert "Saya hamil" not in signed_in(app, BELU_WOMAN).get(f"/dashboard/cases/{ref}").get_data(as_text=True)
    assert "Saya hamil" in signed_in(app, DESK).get(f"/dashboard/cases/{ref}").get_data(as_text=True)


def test_take_note_reply_and_close_do_what_the_sms_commands_do(app, province, db_path):
    ref = province.refs["wages"]
    client = signed_in(app, BELU_MAN)
    officer_id = province.officers["belu_man"].id
    assert post(client, f"/dashboard/cases/{ref}/take").status_code == 302
    assert "Kasus ini sekarang Anda yang tangani" in client.get(f"/dashboard/cases/{ref}").get_data(as_text=True)
    assert post(client, f"/dashboard/cases/{ref}/note", text="Sudah telepon keluarga").status_code == 302
    assert post(client, f"/dashboard/cases/{ref}/reply", **{"reply-text": "Kami sedang bantu urus gaji"}).status_code \
        == 302
    assert post(client, f"/dashboard/cases/{ref}/close", outcome="referred",
                remark="Dirujuk ke BP3MI Kupang").status_code == 302
    case = rows(db_path, "select id, status, assigned_officer_id, outcome, closed_at from cases where ref = ?", [ref])[0]
    assert (case["status"], case["assigned_officer_id"], case["outcome"]) == ("closed", officer_id, "referred")
    audit = rows(db_path, "select action, detail from audit_log where case_id = ? and actor = ? and action != 'read' "
                          "order by id", [case["id"], f"officer:{officer_id}"])
    assert audit == [{"action": "assign", "detail": "AMBIL via web"}, {"action": "note", "detail": "CATAT via web"},
                     {"action": "relay", "detail": "BALAS via web"},
                     {"action": "close", "detail": "SELESAI via web: referred"}]
    assert [r["kind"] for r in rows(db_path, "select kind from alerts where case_id = ? order by id", [case["id"]])] \
        == ["case_taken", "case_closed"]
    assert rows(db_path, "select count(*) as n from messages where kind = 'relay'") == [{"n": 1}]
    page = client.get(f"/dashboard/cases/{ref}").get_data(as_text=True)
    assert "Sudah telepon keluarga" in page and "Dirujuk ke BP3MI Kupang" in page
    assert 'id="close-case"' not in page and 'id="take"' not in page


def test_another_officer_cannot_work_on_a_taken_case(app, province, db_path):
    ref = province.refs["wages"]
    post(signed_in(app, BELU_MAN), f"/dashboard/cases/{ref}/take")
    other = signed_in(app, BELU_WOMAN)
    post(other, f"/dashboard/cases/{ref}/close", outcome="helped", remark="")
    assert rows(db_path, "select status from cases where ref = ?", [ref]) == [{"status": "assigned"}]
    page = other.get(f"/dashboard/cases/{ref}").get_data(as_text=True)
    assert "Kasus ini sudah diambil petugas lain: Yohanes Taek." in page
    assert 'id="take"' not in page and 'id="close-case"' not in page and 'id="add-note"' not in page


def test_a_reply_needs_the_reporters_consent(app, province, db_path):
    ref = province.refs["fees"]  # contact_ok not given
    client = signed_in(app, BELU_MAN)
    post(client, f"/dashboard/cases/{ref}/take")
    page = client.get(f"/dashboard/cases/{ref}").get_data(as_text=True)
    assert 'id="send-reply"' not in page
    post(client, f"/dashboard/cases/{ref}/reply", **{"reply-text": "halo"})
    assert rows(db_path, "select count(*) as n from messages where kind = 'relay'") == [{"n": 0}]


def test_every_action_needs_the_csrf_token(app, province, db_path):
    ref = province.refs["wages"]
    client = signed_in(app, BELU_MAN)
    for action, data in (("take", {}), ("note", {"text": "x"}), ("close", {"outcome": "helped"})):
        assert client.post(f"/dashboard/cases/{ref}/{action}", data=data).status_code == 400
    assert rows(db_path, "select status from cases where ref = ?", [ref]) == [{"status": "open"}]
    assert rows(db_path, "select count(*) as n from case_notes where author = 'officer'") == [{"n": 0}]


def test_a_closing_outcome_must_be_one_of_the_five(app, province, db_path):
    ref = province.refs["wages"]
    client = signed_in(app, BELU_MAN)
    post(client, f"/dashboard/cases/{ref}/close", outcome="bribed", remark="")
    assert rows(db_path, "select status from cases where ref = ?", [ref]) == [{"status": "open"}]


def test_filters_by_status_priority_category_kabupaten_and_overdue(app, province):
    refs = province.refs
    desk = signed_in(app, DESK)
    assert refs["tts"] in listed(desk, "?kabupaten=Timor+Tengah+Selatan")
    assert refs["wages"] not in listed(desk, "?kabupaten=Timor+Tengah+Selatan")
    only_wages = listed(desk, "?category=unpaid_wages")
    assert refs["wages"] in only_wages and refs["fees"] not in only_wages
    urgent = listed(desk, "?priority=darurat")
    assert refs["woman"] in urgent and refs["fees"] not in urgent
    overdue = listed(desk, "?overdue=1")  # 9 days old, sedang (3 days): past its deadline
    assert refs["fees"] in overdue and refs["wages"] not in overdue
    post(desk, f"/dashboard/cases/{refs['fees']}/close", outcome="not_a_case", remark="")
    assert refs["fees"] not in listed(desk) and refs["fees"] in listed(desk, "?status=closed")
    assert refs["fees"] in listed(desk, "?status=all")
    assert desk.get("/dashboard/cases?status=<script>&priority=x&kabupaten=Nowhere&page=-3").status_code == 200


def test_the_list_is_paged_most_urgent_and_newest_first(app, province):
    start = datetime.now(timezone.utc) - timedelta(days=1)
    for i in range(55):
        province.report(f"bulk{i}", "fees_or_debt", "bayar sponsor", kabupaten="Kupang",
                        when=start + timedelta(minutes=i))
    desk = signed_in(app, DESK)
    first = listed(desk)
    assert first.index(province.refs["woman"]) < first.index(province.refs["bulk54"])  # darurat before sedang
    assert first.index(province.refs["bulk54"]) < first.index(province.refs["bulk53"])  # newest first
    assert province.refs["bulk0"] not in first and "page=2" in first
    second = listed(desk, "?page=2")
    assert province.refs["bulk0"] in second and province.refs["bulk54"] not in second


def test_the_first_page_of_the_list_is_read_off_the_urgency_index(db):
    """The index of bot/cases/records.py m002 is the access rule's order: no sort of every open case.

    (SQLite picks it once it has statistics: ANALYZE, or PRAGMA optimize as SQLite advises for long-lived stores.)
    """
    from bot.officers import access
    from bot.officers.registry import Officer
    from bot.store import transaction

    with transaction(db):
        for i in range(400):
            db.conn.execute("insert into cases (ref, category, status, priority, created_at) values (?, 'abuse', ?, ?, ?)",
                            [f"ADU-T{i:05d}", ("open", "assigned", "closed")[i % 3], ("sedang", "tinggi")[i % 2],
                             f"2026-11-{1 + i % 28:02d}T10:00:00+00:00"])
    db.conn.execute("analyze")
    desk = Officer(id=1, name="D", role="provinsi", kabupaten=None, desa=None, sex="f", language="id",
                   channel="sms", contact_id=1, active=True)
    captured: list[str] = []
    db.conn.set_trace_callback(captured.append)
    access.visible_cases(db, desk, limit=51)
    db.conn.set_trace_callback(None)
    plan = " ".join(str(step) for step in db.conn.execute("explain query plan " + captured[-1]).fetchall())
    assert "idx_cases_urgency" in plan and "TEMP B-TREE" not in plan, plan
