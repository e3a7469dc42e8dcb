"""Where the person is, kept right through the case: the form's answers, two places named, and one reader of places
(bot.hotlines.where_in_text) for the lookup list's countries too."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

import pytest

from bot import hotlines
from bot.cases import records as cases
from bot.cases.details import countries
from bot.cases.details import find_country
from bot.officers import alerts
from tests.conftest import FittingConversation
from tests.conftest import assert_dialog
from tests.conftest import rows
from tests.conftest import states_number
from tests.test_officers import stores_of
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)
from tests.test_questions_dialogue import opened

ID = "+6281234567890"  # an Indonesian SIM: says nothing about where the person is
INDONESIA_POLICE = "Di Indonesia telepon polisi 110"
MALAYSIA_999 = "Di Malaysia telepon 999"


# ----------------------------------------------------------------- the form keeps the country of the report
def _report_from_sabah_then_where(worker: FittingConversation, where: str) -> None:
    assert_dialog(worker, [
        ("majikan sy di sabah pukul sy", [MALAYSIA_999]),
        ("1", ["(1/4)"]),
        ("1", ["(2/4) Di mana Anda sekarang?"]),
        (where, ["(3/4)"]),
    ])


@pytest.mark.parametrize("where", ["di rumah majikan", "kebun sawit, jauh dari kota", "di tawau", "kebun dekat sibu",
                                   "sandakan", "asal sy dari TTS", "mau pulang ke indonesia"])
def test_a_where_answer_naming_no_country_keeps_the_country_of_the_report(engine, store, app, db_path, where):
    worker = FittingConversation(engine, ID, "sms")
    _report_from_sabah_then_where(worker, where)
    case = opened(store)[-1]
    assert case.country == "Malaysia", f"{where!r} wiped the country the report named"
    assert case.city == where, "what was written is kept, sealed"
    assert where not in str(rows(db_path, "select * from cases")), "the city stays sealed"
    assert_dialog(worker, [("1", ["(4/4)"]), ("LEWATI", [case.ref])])
    # Later in the same conversation, danger gets Malaysia's numbers (the message names no place itself).
    reply = worker.say("tolong sy dipukul lagi, sy takut")
    assert MALAYSIA_999 in reply and INDONESIA_POLICE not in reply
    # The officers' view shows the country; the notice when the case is closed gives Malaysia's 999, not 110.
    s = stores_of(app)
    now = datetime.now(timezone.utc)
    with s.db.conn:
        cases.raise_alert(s.db, case.id, "case_closed", now.isoformat())
    alerts.dispatch_alerts(s.db, s.vault, s.settings, now)
    notices = rows(db_path, "select text_enc from messages where kind = 'case_closed'")
    assert notices, "the reporter agreed to be contacted: the closing notice is queued"
    notice = s.vault.decrypt(notices[0]["text_enc"], "messages.text_enc")
    s.db.close()
    assert "999" in notice and not states_number(notice, "110"), notice


@pytest.mark.parametrize(("where", "country"), [("Kupang", None), ("sudah pulang ke indonesia", None),
                                                ("sdh pulang, di rumah", None), ("skrg di indonesia", None),
                                                ("Taiwan, Taichung", "Taiwan")])
def test_a_where_answer_naming_home_or_another_country_replaces_it(engine, store, where, country):
    worker = FittingConversation(engine, ID, "sms")
    _report_from_sabah_then_where(worker, where)
    assert opened(store)[-1].country == country


def test_the_city_is_what_was_written_without_the_country(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    _report_from_sabah_then_where(worker, "Malaysia, Tawau")
    case = opened(store)[-1]
    assert (case.country, case.city) == ("Malaysia", "Tawau")


@pytest.mark.parametrize(("where", "mission"), [("kebun dekat sibu", "KJRI Kuching"), ("di tawau", "KRI Tawau"),
                                                ("sy kerja di malaysia", None), ("di rumah majikan", None)])
def test_the_numbers_asked_later_name_the_mission_of_the_place_the_case_keeps(engine, store, where, mission):
    worker = FittingConversation(engine, ID, "sms")
    assert_dialog(worker, [
        ("gaji sy tdk dibayar 4 bulan, sy di malaysia", ["(1/6)"]),
        ("1", ["(2/6) Di mana Anda sekarang?"]),
        (where, ["(3/6)"]),
    ])
    assert opened(store)[-1].country == "Malaysia"
    reply = worker.say("nomor darurat apa?")
    assert MALAYSIA_999 in reply and INDONESIA_POLICE not in reply
    if mission:
        assert f"Perwakilan RI terdekat: {mission}." in reply, "the town the form was told"
    else:
        assert "Perwakilan RI terdekat" not in reply, "no town named: no nearest mission"


def test_the_report_names_the_town_when_the_where_answer_does_not(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    assert_dialog(worker, [
        ("gaji sy tdk dibayar 4 bulan, sy kerja di ladang dekat bintulu", ["(1/6)"]),
        ("1", ["(2/6)"]),
        ("di ladang sawit", ["(3/6)"]),
        ("nomor darurat apa?", [MALAYSIA_999, "Perwakilan RI terdekat: KJRI Kuching."]),
    ])


# ----------------------------------------------------------------- two places named: where the person is now
@pytest.mark.parametrize(("text", "country", "mission"), [
    ("dulu di KL, sekarang di sibu", "Malaysia", "KJRI Kuching"),
    ("sekarang di sibu, dulu di KL", "Malaysia", "KJRI Kuching"),
    ("sy di sibu, dulu di kl", "Malaysia", "KJRI Kuching"),
    ("kerja di kl dulu, skrg di johor", "Malaysia", "KJRI Johor Bahru"),
    ("dulu di tawau, sekarang di sabah", "Malaysia", hotlines.SABAH),
    ("sy dari kupang, skrg kerja di tawau", "Malaysia", hotlines.KRI_TAWAU),
    ("skrg kerja di tawau, sy dari kupang", "Malaysia", hotlines.KRI_TAWAU),
    ("dulu di malaysia, sekarang di taiwan", "Taiwan", None),
    ("sekarang di taiwan, dulu di malaysia", "Taiwan", None),
    ("sy dari malaysia, skrg di hongkong", "Hong Kong", None),
    ("I was in Malaysia before, now in Singapore", "Singapura", None),
    ("dulu di malaysia, skrg sudah di indonesia", hotlines.INDONESIA, None),
    ("skrg di malaysia, dekat tawau", "Malaysia", hotlines.KRI_TAWAU),  # the town refines the country
    ("sy di sabah dekat sandakan", "Malaysia", "KJRI Kota Kinabalu"),
    ("sy tkw dari malaysia", "Malaysia", None),  # the only place named, even after "dari"
    ("sy di sibu, agen di kl", "Malaysia", "KJRI Kuching"),  # no cue: the first, as before
])
def test_where_the_person_is_now_beats_where_they_were(text, country, mission):
    where = hotlines.where_in_text(text)
    assert (where.country, where.mission) == (country, mission)
    expected = country if country != hotlines.INDONESIA else None
    assert find_country(text)[0] == expected, "the case's reader agrees"


def test_a_where_answer_naming_two_countries_keeps_the_one_they_are_in_now(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    _report_from_sabah_then_where(worker, "dulu di malaysia, sekarang di taiwan")
    assert opened(store)[-1].country == "Taiwan"


def test_the_numbers_follow_where_the_person_is_now(engine):
    worker = FittingConversation(engine, ID, "sms")
    reply = worker.say("dulu sy kerja di malaysia, sekarang di taiwan majikan pukul sy")
    assert "1955" in reply and MALAYSIA_999 not in reply


def test_reading_two_places_stays_linear():
    text = " ".join(["dulu", "di", "kl", "sekarang", "di", "sibu", "dari", "kupang", "ke", "tawau"] * 2_000)
    where = hotlines.where_in_text.__wrapped__(text, skip_going=True)
    assert where.mission == "KJRI Kuching"


# ----------------------------------------------------------------- one reader of places
def _cued(alias: str) -> bool:
    return alias in hotlines.gazetteer().cued


@pytest.mark.parametrize(("alias", "country"), sorted(countries().items()))
def test_every_alias_of_the_lookup_list_is_read_by_where_in_text_to_the_same_country(alias, country):
    # The lookup list (intents/lookups.yml) is what the case store keeps; places_abroad.yml reads every alias of it
    # to the same country, so danger.place_of needs no second reader (find_country) after where_in_text.
    frames = [f"sy kerja di {alias}", f"majikan sy di {alias} tidak bayar gaji", f"tolong, sy di {alias}"]
    if not _cued(alias):  # "laos" (also galangal) is read only next to a cue
        frames += [alias, f"{alias}, tolong"]
    for text in frames:
        assert hotlines.where_in_text(text).country == country, text
        assert hotlines.where_in_text(text, skip_going=True).country == country, text
        assert find_country(text)[0] == country, text
    for going in ("ke", "to", "menuju"):
        text = f"sy mau kerja {going} {alias}"
        assert hotlines.where_in_text(text, skip_going=True).country is None, text  # where they want to go
        assert find_country(text)[0] == country, "which country they went to (the missing-person form)"


def test_the_danger_numbers_skip_where_someone_wants_to_go_for_every_alias(engine):
    # place_of reads the message with where_in_text only: "mau kerja ke <alias>" is not where the person is.
    for n, alias in enumerate(("malaysia", "taiwan", "hong kong", "arab saudi", "korea", "kanada")):
        worker = FittingConversation(engine, f"+628123400{n:04d}", "sms")
        reply = worker.say(f"tolong sy disekap calo di penampungan, mau dikirim ke {alias}")
        assert "Di Indonesia telepon polisi 110. Di luar negeri" in reply, (alias, reply)


# ----------------------------------------------------------------- help numbers asked later, naming no place
def test_a_help_numbers_question_naming_no_place_gets_the_country_of_the_open_case(engine, store):
    worker = FittingConversation(engine, ID, "sms")
    _report_from_sabah_then_where(worker, "di rumah majikan")
    assert_dialog(worker, [("1", ["(4/4)"]), ("LEWATI", [opened(store)[-1].ref])])
    reply = worker.say("nomor hotline apa?")
    assert reply.startswith(MALAYSIA_999) and INDONESIA_POLICE not in reply, reply
    # With no case and an Indonesian SIM, the same question still gets Indonesia's numbers.
    other = FittingConversation(engine, "+6281234567891", "sms").say("nomor hotline apa?")
    assert INDONESIA_POLICE in other, other
