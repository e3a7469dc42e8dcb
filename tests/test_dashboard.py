"""The dashboard through Flask's test client: sign-in, the lock, cookies and headers, and the supervision pages."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError
from bot.recruiters import registry as recruiters
from tests.conftest import rows
from tests.web import BELU_MAN
from tests.web import BELU_WOMAN
from tests.web import DESK
from tests.web import PASSWORD
from tests.web import TTS_MAN
from tests.web import build_province
from tests.web import csrf_token
from tests.web import sign_in

PAGES = ("/dashboard/", "/dashboard/cases", "/dashboard/cases?status=open&overdue=1", "/dashboard/stats",
         "/dashboard/watch", "/dashboard/registry", "/dashboard/officers", "/dashboard/export.csv",
         "/dashboard/logout")


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


# ----------------------------------------------------------------- signing in
@pytest.mark.parametrize("path", PAGES)
def test_every_page_but_login_sends_a_signed_out_visitor_to_login(client, province, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dashboard/login?next=")


def test_case_pages_and_actions_send_a_signed_out_visitor_to_login(client, province):
    ref = province.refs["wages"]
    assert client.get(f"/dashboard/cases/{ref}").status_code == 302
    for action in ("take", "note", "reply", "close"):
        page = client.get("/dashboard/login")
        response = client.post(f"/dashboard/cases/{ref}/{action}",
                               data={"csrf_token": csrf_token(page.get_data(as_text=True)), "text": "x"})
        assert response.status_code == 302 and "/dashboard/login" in response.headers["Location"]
    assert rows(province.app.config["DATABASE"], "select count(*) as n from case_notes where author = 'officer'") \
        == [{"n": 0}]


def test_an_officer_signs_in_with_phone_and_password_and_out_again(client, province, db_path):
    response = sign_in(client, "0812-3450-0011")  # the same number written the local way
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"
    home = client.get("/dashboard/")
    assert home.status_code == 200 and "Yohanes Taek" in home.get_data(as_text=True)
    token = csrf_token(home.get_data(as_text=True))
    assert client.post("/dashboard/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard/").status_code == 302
    actions = [r["action"] for r in rows(db_path, "select action from audit_log where actor = ?",
                                         [f"officer:{province.officers['belu_man'].id}"])]
    assert actions == ["login", "logout"]


def test_a_wrong_password_and_an_unknown_number_get_the_same_answer(client, province):
    wrong = sign_in(client, DESK, "not-the-password")
    unknown = sign_in(client, "+6281299999999", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Nomor HP atau kata sandi salah" in wrong.get_data(as_text=True)
    assert "Nomor HP atau kata sandi salah" in unknown.get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 302


def test_the_login_form_needs_its_csrf_token(client, province):
    response = client.post("/dashboard/login", data={"phone": DESK, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard/").status_code == 302


def test_five_wrong_passwords_lock_the_number_for_fifteen_minutes(client, province, db_path):
    for _ in range(4):
        assert sign_in(client, BELU_WOMAN, "wrong-password").status_code == 401
    assert sign_in(client, BELU_WOMAN, "wrong-password").status_code == 429  # the fifth locks
    locked = sign_in(client, BELU_WOMAN, PASSWORD)
    assert locked.status_code == 429
    assert "WITA" in locked.get_data(as_text=True)
    assert client.get("/dashboard/").status_code == 302
    assert sign_in(client, DESK).status_code == 302  # another number is not locked
    client.post("/dashboard/logout", data={"csrf_token": csrf_token(client.get("/dashboard/").get_data(as_text=True))})
    audit = [r["action"] for r in rows(db_path, "select action from audit_log where action like 'login%'")]
    assert audit.count("login_failed") == 5 and audit.count("login_locked") == 1 and "login_refused" in audit
    # Fifteen minutes later the right password works again.
    conn = sqlite3.connect(db_path)
    past = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat(timespec="seconds")
    with conn:
        conn.execute("update login_failures set locked_until = ?", [past])
    conn.close()
    assert sign_in(client, BELU_WOMAN, PASSWORD).status_code == 302


def test_the_lock_counts_per_number_however_it_is_written(client, province):
    for phone in ("+6281234500013", "081234500013", "0812 3450 0013", "6281234500013", "+62 812-3450-0013"):
        sign_in(client, phone, "wrong-password")
    assert sign_in(client, TTS_MAN, PASSWORD).status_code == 429


def test_session_cookie_is_httponly_lax_and_secure_under_https(app, province):
    plain = app.test_client()
    cookie = session_cookie(sign_in(plain, DESK))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/dashboard" in cookie
    assert "Secure" not in cookie
    secure = app.test_client()
    page = secure.get("/dashboard/login", base_url="https://desk.example.org")
    response = secure.post("/dashboard/login", base_url="https://desk.example.org",
                           data={"phone": DESK, "password": PASSWORD,
                                 "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert "Secure" in session_cookie(response)


def session_cookie(response) -> str:
    """Return the Set-Cookie header of the session cookie."""
    found = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("teman_session=")]
    assert found, response.headers.getlist("Set-Cookie")
    return found[0]


def test_security_headers_on_every_page(client, province):
    sign_in(client, DESK)
    for path in ("/dashboard/login", "/dashboard/", "/dashboard/stats", "/dashboard/static/dashboard.css"):
        response = client.get(path)
        headers = response.headers
        response.close()
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src" not in policy and "unsafe-inline" not in policy
        assert "default-src 'none'" in policy
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"


def test_no_page_has_a_script_or_an_inline_style(client, province):
    sign_in(client, DESK)
    for path in ("/dashboard/", "/dashboard/stats", "/dashboard/watch", "/dashboard/registry", "/dashboard/officers"):
        html = client.get(path).get_data(as_text=True).lower()
        assert "<script" not in html and " style=" not in html and "<style" not in html, path


def test_a_redirect_after_sign_in_stays_inside_the_dashboard(client, province):
    page = client.get("/dashboard/login")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(f"/dashboard/login?next={target}", data={
            "phone": DESK, "password": PASSWORD, "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert response.headers["Location"] == "/dashboard/", target
        client.post("/dashboard/logout", data={"csrf_token": csrf_token(client.get("/dashboard/").get_data(as_text=True))})
        page = client.get("/dashboard/login")


def test_production_refuses_to_start_without_secret_key(config):
    from webhook import create_app

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(dict(config, TESTING=False, APP_ENV="production", SECRET_KEY=None))


# ----------------------------------------------------------------- passwords by CLI
def test_set_password_reads_stdin_and_stores_only_an_scrypt_hash(app, province, db_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["officers", "set-password", BELU_MAN, "--password-stdin"],
                           input="kata-sandi-baru-77\n")
    assert result.exit_code == 0, result.output
    stored = rows(db_path, "select hash from officer_passwords where officer_id = ?",
                  [province.officers["belu_man"].id])[0]["hash"]
    assert stored.startswith("scrypt$")
    assert b"kata-sandi-baru-77" not in Path(db_path).read_bytes()
    assert runner.invoke(args=["officers", "set-password", BELU_MAN, "--password-stdin"], input="short\n").exit_code == 1
    assert runner.invoke(args=["officers", "set-password", BELU_MAN], input="kata-sandi-baru-77\n").exit_code == 2
    client = app.test_client()
    assert sign_in(client, BELU_MAN, PASSWORD).status_code == 401
    assert sign_in(client, BELU_MAN, "kata-sandi-baru-77").status_code == 302


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(app, province):
    client = app.test_client()
    sign_in(client, BELU_MAN)
    assert client.get("/dashboard/").status_code == 200
    app.test_cli_runner().invoke(args=["officers", "set-password", BELU_MAN, "--password-stdin"],
                                 input="kata-sandi-baru-77\n")
    assert client.get("/dashboard/").status_code == 302


def test_deactivating_an_officer_ends_web_access(app, province):
    client = app.test_client()
    sign_in(client, BELU_MAN)
    assert client.get("/dashboard/stats").status_code == 200
    result = app.test_cli_runner().invoke(args=["officers", "deactivate", BELU_MAN])
    assert result.exit_code == 0 and "web access ended" in result.output
    assert client.get("/dashboard/stats").status_code == 302
    assert sign_in(app.test_client(), BELU_MAN).status_code == 401


# ----------------------------------------------------------------- supervision pages
def test_stats_count_every_case_of_the_area_by_sex_in_indonesian(client, province):
    province.report("many", "unpaid_wages", "gaji", kabupaten="Belu", worker_sex="f",
                    when=datetime.now(timezone.utc) - timedelta(hours=2))
    sign_in(client, BELU_MAN)
    html = client.get("/dashboard/stats").get_data(as_text=True)
    assert "Kasus per kabupaten dan jenis kelamin" in html and "<svg" in html
    # Belu: wages (f), woman-officer case (f, counted though he may not open it), fees (m), many (f).
    assert 'id="total-cases">4<' in html
    assert "Timor Tengah Selatan" not in html
    sign_in_desk = client.application.test_client()
    sign_in(sign_in_desk, DESK)
    desk = sign_in_desk.get("/dashboard/stats").get_data(as_text=True)
    assert 'id="total-cases">6<' in desk and "Timor Tengah Selatan" in desk


def test_numbers_are_written_the_indonesian_way(client, province):
    from bot.store import transaction
    from bot.cases import records as cases

    stamp = datetime.now(timezone.utc) - timedelta(days=2)
    with transaction(province.db):
        for _ in range(1200):
            province.db.conn.execute(
                "insert into cases (ref, category, status, priority, created_at, kabupaten, worker_sex) "
                "values (?, 'fees_or_debt', 'open', 'sedang', ?, 'Belu', 'm')",
                [cases.new_ref(province.db), stamp.isoformat(timespec="seconds")])
    sign_in(client, DESK)
    html = client.get("/dashboard/stats").get_data(as_text=True)
    assert 'id="total-cases">1.205<' in html


def test_an_english_officer_reads_english(app, province):
    from bot.officers import registry as officers

    officers.add_officer(province.db, province.vault, "Maria Bere", DESK, "provinsi",
                         datetime.now(timezone.utc).isoformat(), sex="f", language="en")
    client = app.test_client()
    sign_in(client, DESK)
    html = client.get("/dashboard/stats").get_data(as_text=True)
    assert "Cases by kabupaten and sex" in html and "Sign out" in html


def test_officers_and_export_are_for_the_provincial_desk_only(app, province):
    client = app.test_client()
    sign_in(client, BELU_WOMAN)
    assert client.get("/dashboard/officers").status_code == 403
    assert client.get("/dashboard/export.csv").status_code == 403
    desk = app.test_client()
    sign_in(desk, DESK)
    page = desk.get("/dashboard/officers").get_data(as_text=True)
    assert "Yohanes Taek" in page and "Timor Tengah Selatan" in page and "+62812345000" not in page


def test_export_is_the_cli_export_and_is_audit_logged(app, province, tmp_path, db_path):
    province.report("formula", "other_problem", "x", country="=HYPERLINK(\"http://evil\")")
    client = app.test_client()
    sign_in(client, DESK)
    response = client.get("/dashboard/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "cli.csv"
    result = app.test_cli_runner().invoke(args=["cases", "export", "--csv", str(path)])
    assert result.exit_code == 0, result.output
    web = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    cli = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert web and [r for r in web if r.pop("days_open") is not None] == \
        [r for r in cli if r.pop("days_open") is not None]
    assert response.get_data(as_text=True).splitlines()[0] == path.read_text(encoding="utf-8").splitlines()[0]
    assert rows(db_path, "select actor, detail from audit_log where action = 'export' and actor like 'officer:%'") \
        == [{"actor": f"officer:{province.officers['desk'].id}", "detail": "6 cases exported to CSV on the web"}]


def test_registry_upload_runs_the_cli_import(app, province, tmp_path):
    desk = app.test_client()
    sign_in(desk, DESK)
    page = desk.get("/dashboard/registry")
    assert "Belum ada daftar" in page.get_data(as_text=True)
    lines = recruiters.DEMO_FILE.read_text(encoding="utf-8").splitlines()
    good = "\n".join(lines[:3] + ["PT Flobamora Sejahtera,099/SIP3MI/2025,2025-01-02,2030-01-01,aktif,Kupang,,"
                                  "Malaysia,0380-123456"]) + "\n"
    token = csrf_token(page.get_data(as_text=True))
    response = desk.post("/dashboard/registry", data={
        "csrf_token": token, "as_of": "2026-11-01", "column_map": "",
        "file": (io.BytesIO(good.encode()), "p3mi-2026-11-01.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    html = desk.get("/dashboard/registry").get_data(as_text=True)
    assert "PT Flobamora Sejahtera" in html and "2026-11-01" in html and "p3mi-2026-11-01.csv" in html
    bad = good + "PT Tanpa Izin,,2025-01-02,bukan-tanggal,aktif,Kupang,,Malaysia,\n"
    response = desk.post("/dashboard/registry", data={
        "csrf_token": token, "file": (io.BytesIO(bad.encode()), "rusak.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Impor gagal" in response.get_data(as_text=True)
    assert recruiters.active_registry(province.db).file_name == "p3mi-2026-11-01.csv"
    officer = app.test_client()
    sign_in(officer, BELU_MAN)
    page = officer.get("/dashboard/registry").get_data(as_text=True)
    assert "PT Flobamora Sejahtera" in page and 'type="file"' not in page
    response = officer.post("/dashboard/registry", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(good.encode()), "x.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 403


def test_watch_shows_reports_by_kabupaten_and_desa(app, province):
    from bot.recruiters.watch import close_report
    from bot.recruiters.watch import open_report
    from bot.recruiters.watch import update_report
    from bot.store import transaction

    today = recruiters.local_today()
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with transaction(province.db):
        for who, where in (("PT Maju Jaya Sekali", "Desa Silawan, Belu"), ("PT Maju Jaya Sekali", "Silawan Belu"),
                           ("PT Sekali Saja", "Desa Oenino, TTS"), ("PT Maju Jaya Sekali", "Kefa, TTU")):
            report = open_report(province.db, province.vault, "ada calo rekrut", day=today, now=now, who=who)
            update_report(province.db, province.vault, report, now, where=where)
            close_report(province.db, report, now, None)
    client = app.test_client()
    sign_in(client, DESK)
    html = client.get("/dashboard/watch").get_data(as_text=True)
    assert "Silawan" in html and "Oenino" in html and "Timor Tengah Selatan" in html
    assert "<td>Timor Tengah Utara</td><td>-</td>" in html      # "Kefa, TTU" names no desa
    assert "PT Maju Jaya Sekali" in html and "PT Sekali Saja" not in html  # one sender is not a signal
    belu = app.test_client()
    sign_in(belu, BELU_MAN)
    html = belu.get("/dashboard/watch").get_data(as_text=True)
    assert "Silawan" in html and "Oenino" not in html


def test_watch_shows_names_asked_about_that_are_kept_sealed(app, province, db_path):
    from bot.recruiters.watch import record_not_found
    from bot.store import transaction

    today = recruiters.local_today()
    with transaction(province.db):
        for sender, spelling in (("a", "PT Sinar Bahtera"), ("b", "pt sinar bahtra")):  # two people, two spellings
            record_not_found(province.db, spelling, "Belu", today, province.vault, sender=sender)
        record_not_found(province.db, "Pak Lukas Ndolu", "Belu", today, province.vault, sender="a")  # one person
        for sender in ("a", "b"):
            record_not_found(province.db, "CV Laut Timur", "Timor Tengah Selatan", today, province.vault,
                             sender=sender)
    stored = rows(db_path, "select * from recruiter_queries")
    assert len(stored) == 4 and "bahtera" not in repr(stored).lower() and "lukas" not in repr(stored).lower()
    belu = app.test_client()
    sign_in(belu, BELU_MAN)
    html = belu.get("/dashboard/watch").get_data(as_text=True)
    assert "PT Sinar Bahtera<br><small>PT Sinar Bahtera, pt sinar bahtra</small>" in html
    assert "Lukas" not in html  # one sender is not a signal
    assert "Laut Timur" not in html  # another kabupaten
    desk = app.test_client()
    sign_in(desk, DESK)
    assert "CV Laut Timur" in desk.get("/dashboard/watch").get_data(as_text=True)


def test_figures_count_first_actions_against_the_deadline_and_weeks_in_wita(app, db_path):
    from bot.cases import records as cases
    from bot.officers.registry import Officer
    from bot.store import open_db
    from bot.store import transaction
    from dashboard import statistics
    from tests.web import Province

    ext = app.extensions["teman"]
    province = Province(app, open_db(db_path), ext["vault"])
    now = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)  # Monday 20:00 WITA
    acted = {"a": 2, "b": 30}
    for name, hours_ago, sex in (("a", 30, "f"), ("b", 48, "m"), ("c", 30, "f"), ("d", 1, None)):
        province.report(name, "unpaid_wages", "gaji", when=now - timedelta(hours=hours_ago), kabupaten="Belu",
                        worker_sex=sex, priority="tinggi")
    # Sunday 23:30 UTC is Monday 07:30 WITA: the case belongs to the week of Monday 30 November, not the 23rd.
    province.report("monday", "deception", "tipu", when=datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc),
                    kabupaten="Belu", worker_sex="f", priority="rendah")
    with transaction(province.db):
        for name, hours in acted.items():
            row = province.db.conn.execute("select id, created_at from cases where ref = ?",
                                           [province.refs[name]]).fetchone()
            when = datetime.fromisoformat(row[1]) + timedelta(hours=hours)
            cases.audit(province.db, "officer:1", "read", row[0], "KASUS via sms", when - timedelta(minutes=5))
            cases.audit(province.db, "officer:1", "assign", row[0], "AMBIL via sms", when)
            cases.audit(province.db, "officer:1", "close", row[0], "SELESAI via sms", when + timedelta(hours=1))
    desk = Officer(id=99, name="Desk", role="provinsi", kabupaten=None, desa=None, sex="m", language="id",
                   channel="sms", contact_id=1, active=True)
    found = statistics.figures(province.db, desk, now, "Asia/Makassar", {"darurat": 2, "tinggi": 24, "sedang": 72,
                                                                          "rendah": 168})
    tinggi = {d.priority: d for d in found.deadlines}["tinggi"]
    assert (tinggi.cases.total, tinggi.in_time.total, tinggi.late.total, tinggi.waiting.total) == (4, 1, 2, 1)
    assert tinggi.in_time.cells() == [1, 0, 0] and tinggi.late.cells() == [1, 1, 0] and tinggi.waiting.cells() == [0, 0, 1]
    assert tinggi.median_hours == pytest.approx(16.0)
    weeks = dict(found.weeks)
    assert weeks[date(2026, 11, 30)] == {"deception": 1, "unpaid_wages": 1}   # "monday" and "d"
    assert weeks[date(2026, 11, 23)] == {"unpaid_wages": 3}
    assert found.total.cells() == [3, 1, 1]   # the man of the desk counts the woman-officer cases too
    province.db.close()


def test_the_webhook_needs_no_csrf_token_and_gets_no_cookie(twilio):
    response = twilio.send("halo")
    assert response.status_code == 200 and "<Response>" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
