"""Alerts and the daily digest: what an alert may say, exactly-once dispatch, reporter notices, the digest."""

from __future__ import annotations

import dataclasses

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from bot.officers import alerts
from bot.cases import records as cases
from bot import sms
from bot import worker
from bot.store import open_db
from tests.test_officers import add
from tests.test_officers import report
from tests.conftest import rows
from tests.test_officers import stores_of

# Friday 27 November 2026, 07:30 in Asia/Makassar (UTC+8).
DIGEST_TIME = datetime(2026, 11, 26, 23, 30, tzinfo=timezone.utc)


@pytest.fixture
def config(config, provider_api):
    """Point both senders at the provider imitation; the digest at 07:00 (its tests pass their own times)."""
    return {**config, "TWILIO_API_BASE": provider_api.url, "WHATSAPP_API_BASE": provider_api.url, "DIGEST_HOUR": 7}


def _kind(db_path, kind):
    return rows(db_path, "select * from messages where kind = ? order by id", (kind,))


def test_sensitive_case_alert_reveals_nothing_personal(app, provider_api):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    text = "Saya Yuliana Seran, diperkosa majikan Tan Ah Kow di Johor. Telepon saya 081377775555"
    case = report(s, phone="+6281377775555", category="abuse", text=text, kabupaten="Belu", desa="Fatuketi",
                  country="Malaysia", employer_enc=s.vault.encrypt("Tan Ah Kow"), sensitive=1)
    no_digest = dataclasses.replace(s.settings, digest_hour=24)  # only the alert, whatever the time of day
    worker.run_once(s.db, s.vault, no_digest, now=datetime.now(timezone.utc))
    [sent] = provider_api.twilio_created
    body = sent["form"]["Body"]
    assert case.ref in body and "Laporan rahasia" in body and "Belu" in body and f"AMBIL {case.ref}" in body
    for secret in ("Yuliana", "Seran", "Tan Ah Kow", "Johor", "diperkosa", "77775555", "Fatuketi", "Malaysia",
                   "Kekerasan"):
        assert secret not in body


def test_alert_text_in_english_for_an_english_officer(app):
    s = stores_of(app)
    case = report(s, kabupaten="Belu", alert=None)
    text, variables = alerts.urgent_alert(cases.get_case_by_id(s.db, case.id).row, "en",
                                          datetime.now(timezone.utc) + timedelta(hours=2))
    assert text.startswith(f"EMERGENCY {case.ref}: Emergency, Belu, reported 2 hours ago.")
    assert variables == {"1": case.ref, "2": "Emergency", "3": "Belu", "4": "2 hours"}
    assert sms.measure(text).segments == 1


def test_dispatch_is_exactly_once_and_repeated_urgent_alerts_do_not_repeat(app, db_path):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    add(s, "Yosef", "+6281299998888", "provinsi")
    case = report(s, kabupaten="Belu")
    now = datetime.now(timezone.utc)
    assert alerts.dispatch_alerts(s.db, s.vault, s.settings, now) == 2
    assert alerts.dispatch_alerts(s.db, s.vault, s.settings, now) == 0
    with s.db.conn:
        cases.raise_alert(s.db, case.id, "urgent", now)  # intake raises again on a new message
    assert alerts.dispatch_alerts(s.db, s.vault, s.settings, now) == 0
    assert len(_kind(db_path, "urgent_alert")) == 2
    assert rows(db_path, "select count(*) as n from alerts where processed_at is null")[0]["n"] == 0


def test_officers_learnt_later_are_alerted_too(app, db_path):
    s = stores_of(app)
    prov = add(s, "Yosef", "+6281299998888", "provinsi")
    belu = add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    case = report(s)  # no kabupaten yet: the provincial desk only
    now = datetime.now(timezone.utc)
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)
    assert [r["contact_id"] for r in _kind(db_path, "urgent_alert")] == [prov.contact_id]
    with s.db.conn:
        cases.update_case(s.db, case.id, now, kabupaten="Belu")
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)
    assert sorted(r["contact_id"] for r in _kind(db_path, "urgent_alert")) == sorted([prov.contact_id, belu.contact_id])


def test_non_urgent_case_waits_for_the_digest(app, db_path):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    report(s, category="fees_or_debt", text="biaya terlalu mahal", kabupaten="Belu", alert="new_case")
    assert alerts.dispatch_alerts(s.db, s.vault, s.settings, datetime.now(timezone.utc)) == 0
    assert _kind(db_path, "urgent_alert") == []


@pytest.mark.parametrize("contact_ok, opted_out, expected", [(1, 0, 1), (None, 0, 0), (0, 0, 0), (1, 1, 0)])
def test_reporter_hears_of_taken_case_only_with_consent(app, db_path, contact_ok, opted_out, expected):
    s = stores_of(app)
    case = report(s, kabupaten="Belu", contact_ok=contact_ok, alert=None)
    now = datetime.now(timezone.utc)
    with s.db.conn:
        s.db.execute("update contacts set opted_out = ? where id = ?", [opted_out, case.contact_id])
        cases.raise_alert(s.db, case.id, "case_taken", now)
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)
    notices = _kind(db_path, "case_taken")
    assert len(notices) == expected
    if expected:
        text = s.vault.decrypt(notices[0]["text_enc"])
        assert case.ref in text and "ditangani petugas" in text and notices[0]["contact_id"] == case.contact_id


# ---------------------------------------------------------------- the digest


def _digest_cases(s):
    created = DIGEST_TIME - timedelta(hours=5)
    emergency = report(s, kabupaten="Belu", worker_sex="f", now=created, alert=None)  # 2 h deadline: past
    report(s, category="unpaid_wages", text="gaji tidak dibayar 6 bulan", kabupaten="Belu", worker_sex="m",
           now=created, alert=None)
    report(s, category="fees_or_debt", text="potongan gaji", kabupaten="Belu", now=created, alert=None)
    report(s, category="deception", text="dijanjikan kerja pabrik", kabupaten="Alor", now=created, alert=None)
    old = report(s, category="documents_held", text="paspor ditahan agen", kabupaten="Belu",
                 now=DIGEST_TIME - timedelta(days=4), alert=None)
    return emergency, old


def test_digest_once_per_officer_per_day_even_after_restart(app, db_path, provider_api):
    s = stores_of(app)
    maria = add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    add(s, "Yosef", "+6281299998888", "provinsi", language="en")
    emergency, old = _digest_cases(s)
    before = DIGEST_TIME - timedelta(hours=1)  # 06:30 local
    assert alerts.run_digests(s.db, s.vault, s.settings, before) == 0
    assert alerts.run_digests(s.db, s.vault, s.settings, DIGEST_TIME) == 2
    restarted = open_db(s.settings.database)  # a new worker process
    assert alerts.run_digests(restarted, s.vault, s.settings, DIGEST_TIME + timedelta(hours=3)) == 0
    digests = _kind(db_path, "digest")
    assert len(digests) == 2
    belu = s.vault.decrypt(next(d for d in digests if d["contact_id"] == maria.contact_id)["text_enc"])
    assert "Jumat, 27 November 2026" in belu and "(Belu)" in belu
    assert "Kasus baru sejak 26 Nov 07.30: 3 (darurat 1, tinggi 1, sedang 1)" in belu
    assert f"Lewat tenggat: 2 ({emergency.ref}, {old.ref})" in belu
    assert "Perempuan 1, laki-laki 1, tidak diketahui 1" in belu
    assert sms.measure(belu).segments <= 2 and sms.is_gsm7(belu)
    english = s.vault.decrypt(next(d for d in digests if d["contact_id"] != maria.contact_id)["text_enc"])
    assert "Friday, November 27, 2026" in english and "New cases since 26 Nov" in english and ": 4 (" in english
    worker.run_once(restarted, s.vault, s.settings, now=DIGEST_TIME + timedelta(hours=3))
    assert len([m for m in provider_api.twilio_created if "Ringkasan" in m["form"]["Body"]]) == 1


def test_digest_names_unlicensed_recruiters_of_the_area(app):
    from bot.recruiters import registry as recruiters

    s = stores_of(app)
    maria = add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    with s.db.conn:
        for sender in ("a", "b", "c"):  # three people (keyed hashes of their numbers)
            recruiters.record_not_found(s.db, "PT Sinar Jaya Abadi", "Belu", date(2026, 11, 25), sender=sender)
        for sender in ("a", "b"):
            recruiters.record_not_found(s.db, "CV Elsewhere", "Alor", date(2026, 11, 25), sender=sender)
    text = alerts.render_digest(alerts.build_digest(s.db, s.vault, s.settings, maria, date(2026, 11, 27)))
    assert "Perekrut tanpa izin yang paling sering disebut: PT Sinar Jaya Abadi (3)" in text
    assert "Elsewhere" not in text and "Tidak ada kasus baru" in text


def test_digest_fits_two_segments_when_the_area_is_busy(app):
    s = stores_of(app)
    prov = add(s, "Yosef", "+6281299998888", "provinsi")
    for place in ("Belu", "Alor", "Sikka", "Ende", "Ngada", "Malaka", "Kupang", "Lembata"):
        report(s, category="abuse", text="dipukul", kabupaten=place, worker_sex="f",
               now=DIGEST_TIME - timedelta(days=3), alert=None)
        report(s, category="unpaid_wages", text="gaji", kabupaten=place, now=DIGEST_TIME - timedelta(hours=2),
               alert=None)
    text = alerts.render_digest(alerts.build_digest(s.db, s.vault, s.settings, prov, date(2026, 11, 27)))
    assert sms.measure(text).segments <= 2
    assert "Kasus baru sejak 26 Nov 07.00: 8" in text and "Lewat tenggat: 8" in text and "KASUS" in text


def test_digest_command_dry_run_and_resend(app, db_path):
    s = stores_of(app)
    maria = add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["alerts", "digest", "--date", "2026-11-27", "--dry-run"])
    assert dry.exit_code == 0 and "Jumat, 27 November 2026" in dry.output and "segment" in dry.output
    assert _kind(db_path, "digest") == []
    for _ in range(2):
        sent = runner.invoke(args=["alerts", "digest", "--date", "2026-11-27", "--officer", str(maria.id)])
        assert sent.exit_code == 0 and "queued" in sent.output
    assert len(_kind(db_path, "digest")) == 2
