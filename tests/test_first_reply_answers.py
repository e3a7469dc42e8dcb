"""The first reply states the answer to what was asked: in a report that also asks, in a question about a problem,
and for the facts added for issue #14 (SPLP, complaints, job-offer fraud, re-entry bans, JKM, 999 in Malaysia)."""

from __future__ import annotations


import pytest

from bot import hotlines
from bot.knowledge import facts
from bot.knowledge import retrieval
from bot.knowledge.fact_answers import FACT_ANSWER_FACTS
from bot.knowledge.fact_answers import FACT_ANSWERS
from tests.conftest import FittingConversation
from tests.conftest import assert_dialog
from tests.test_questions_dialogue import opened
from tests.test_questions_dialogue import open_store  # noqa: F401 (this module's store fixture)


Person = FittingConversation


def person(engine, sender: str, channel: str = "sms") -> Person:
    return Person(engine, sender, channel)


# --- a report that also asks: the case opens and the first message answers the question --------------------
def test_passport_held_and_going_home_gets_the_splp_in_the_first_message_once(engine, store):
    worker = person(engine, "+6281234560001")
    replies = worker.send("majikan tahan paspor saya dan gaji sonde dibayar 4 bulan. sa mau pulang ke flores, "
                          "bagaimana caranya?")
    case = opened(store)[-1]
    assert case.ref in replies[0] and "SPLP" in replies[0], replies
    assert replies[0].index(case.ref) < replies[0].index("SPLP")
    assert "\n".join(replies).count("SPLP") == 1, "the travel letter is said once, not as answer and as advice"
    assert any("(1/" in r for r in replies), "then the form"


def test_a_question_about_going_home_without_the_passport_gets_the_splp_and_the_tap(engine, store):
    worker = person(engine, "+6281234560010")
    first = worker.send("kalau paspor masih bos pegang, bisa ko sa pulang ke kupang?")[0]
    assert "SPLP" in first and "Balas 4 untuk melapor" in first
    assert opened(store) == []


def test_own_problem_told_then_is_that_allowed_gets_the_right_with_the_case(engine, store):
    worker = person(engine, "+6281234560002")
    first = worker.send("Agen di Malaysia simpan paspor saya sejak saya datang. Apakah itu dibolehkan?")[0]
    assert "ADU-" in first and "Paspor Anda tidak boleh ditahan orang lain" in first
    assert [c.category for c in opened(store)] == ["documents_held"]


def test_english_report_that_asks_gets_the_right_in_the_first_message(engine, store):
    worker = person(engine, "+6281234560003")
    first = worker.send("My agency has kept my passport for two years. Is that allowed? What can I do?")[0]
    assert "Your report number is ADU-" in first and "right to hold your own travel documents" in first
    assert [c.category for c in opened(store)] == ["documents_held"]


@pytest.mark.parametrize("text", [
    "Adik saya meninggal saat bekerja di perkebunan di Sabah. Apakah keluarga dapat santunan BPJS?",
    "My wife died while working abroad last month. What can the family get?",
])
def test_a_death_told_with_a_question_opens_the_case_and_names_the_death_cover(engine, store, text):
    first = person(engine, f"+62812346{abs(hash(text)) % 100000:05d}").send(text)[0]
    assert "ADU-" in first and "JKM" in first and "BPJS" in first
    assert len(opened(store)) == 1


# --- a question about a problem: answered, one tap to report, no case yet ------------------------------------
def test_a_question_about_unpaid_wages_gets_the_right_then_four_reports_it(engine, store):
    asker = person(engine, "+6281234560004")
    assert_dialog(asker, [
        ("kalau majikan bilang gaji dibayar nanti saja setelah kontrak habis, itu boleh?",
         ["upah", "Balas 4 untuk melapor"]),
    ])
    assert opened(store) == []
    assert "ADU-" in asker.say("4")
    assert [c.category for c in opened(store)] == ["unpaid_wages"]


# --- the facts added for issue #14, asked in Indonesian, informal Indonesian / Kupang Malay and English -----
NEW_FACTS = [
    ("Apakah orang tua boleh mengadukan masalah anaknya yang bekerja di luar negeri?", ["Keluarga boleh mengadu"]),
    ("yg ngadu hrs tki sendiri ka, ato mama bapa jg bisa?", ["Keluarga boleh mengadu"]),
    ("Can my family make the complaint for me?", ["The family can complain"]),
    ("Ke mana saya mengadu kalau PT berbohong tentang pekerjaan?", ["BP3MI", "KBRI"]),
    ("where do i complain about an agency that lied to me?", ["BP3MI", "KBRI"]),
    ("ada yg tawarin kerja di hongkong lewat fb, suru transfer biaya dulu, itu penipuan ka?",
     ["penipuan", "siskop2mi"]),
    ("is a job abroad that asks me to send money first a scam?", ["fraud", "siskop2mi"]),
    ("Kalau sudah dideportasi dari Sabah, kapan boleh masuk Malaysia lagi?", ["dilarang", "tahun"]),
    ("sa pernah dideportasi dari sabah, bisa pi karja di malaysia lai ko?", ["dilarang", "tahun"]),
    ("After deportation from Sabah, how long before someone can enter Malaysia again?", ["barred", "years"]),
    ("Apakah keluarga dapat santunan BPJS bila pekerja migran meninggal karena sakit?", ["JKM", "BPJS"]),
    ("what does the family get from BPJS when a migrant worker dies?", ["JKM", "BPJS"]),
    ("Bagaimana cara pulang kalau paspor saya hilang?", ["SPLP", "KBRI"]),
]
# The lost-documents line of the labelling rule (tests/data/real/README.md, kind): a passport lost abroad, told with
# wanting to go home, is a report with a question: the case opens and the first reply answers with the travel letter.
LOST_ABROAD = [
    ("paspor ilang di malaysia, sy mau pulang gmn", ["SPLP", "KBRI"]),
    ("I lost my passport abroad, how can I go home?", ["SPLP", "embassy"]),
]


@pytest.mark.parametrize(("question", "expected"), NEW_FACTS)
def test_new_facts_are_answered_in_three_registers(engine, store, question, expected):
    sender = f"+62812345{abs(hash(question)) % 100000:05d}"
    first = person(engine, sender).send(question)[0]
    for fragment in expected:
        assert fragment.lower() in first.lower(), f"{question!r} -> {first!r} lacks {fragment!r}"
    assert opened(store) == [], "a question must not open a case"


@pytest.mark.parametrize(("text", "expected"), LOST_ABROAD)
def test_a_passport_lost_abroad_with_going_home_opens_a_case_and_is_answered(engine, store, text, expected):
    sender = f"+62812346{abs(hash(text)) % 100000:05d}"
    first = person(engine, sender).send(text)[0]
    assert len(opened(store)) == 1, f"{text!r} -> {first!r}: a lost passport abroad and going home is a report"
    for fragment in expected:
        assert fragment.lower() in first.lower(), f"{text!r} -> {first!r} lacks {fragment!r}"


# Facts added in session 3 (fees and rest days abroad, passports abroad, Taiwan, closed countries, heirs, magang).
SESSION3_FACTS = [
    ("berapa persen komisi yg boleh diambil agen di hong kong", ["10 persen", "dilarang"]),
    ("how much can an agency in hong kong take from a helper's salary?", ["10 percent", "not allowed"]),
    ("boleh ga agen di singapura potong gaji 8 bulan?", ["Singapura", "2 bulan gaji"]),
    ("apakah kerja di kamboja itu resmi", ["bukan negara penempatan", "TPPO"]),
    ("pembantu di hongkong berhak libur brp hari?", ["hari libur", "7 hari"]),
    ("siapa yg bisa klaim santunan kematian bpjs kalau pekerja migran meninggal", ["ahli waris", "JKM"]),
    ("ada kedutaan indonesia di taiwan?", ["KDEI Taipei"]),
    ("apakah semua lpk boleh kirim peserta magang ke jepang?", ["Sending Organization", "kemnaker.go.id"]),
    ("kalau paspor habis masa berlaku waktu kerja di malaysia, perpanjang di mana?", ["KBRI", "paspor"]),
    ("jalur resmi ke luar negeri apa saja selain lewat PT", ["P3MI", "perseorangan"]),
    ("lebih baik lapor kbri atau viralkan di facebook?", ["KBRI", "media sosial"]),
]


@pytest.mark.parametrize(("question", "expected"), SESSION3_FACTS)
def test_session3_facts_are_answered_first(engine, store, question, expected):
    sender = f"+62812346{abs(hash(question)) % 100000:05d}"
    first = person(engine, sender).send(question)[0]
    for fragment in expected:
        assert fragment.lower() in first.lower(), f"{question!r} -> {first!r} lacks {fragment!r}"
    assert opened(store) == [], "a question must not open a case"


def test_a_deduction_demanded_and_asked_about_opens_the_case_and_answers(engine, store):
    """The labelling rule: an agent's demand told, then asked about, is a report that also asks (case + answer).

    The harm model is unsure of it (it may be an offer asked about): the answer comes first, then "did this happen
    to you?", and 1 opens the case with the message (bot/conversation/confirming.py).
    """
    worker = person(engine, "+6281234660001")
    first = worker.send("agen singapura minta potong gaji 8 bulan, itu boleh?")[0]
    assert "Singapura" in first and "2 bulan gaji" in first and "Balas 1 kalau ya" in first
    assert "ADU-" in worker.say("1")
    assert len(opened(store)) == 1


def test_perban_9_answers_say_it_is_the_earlier_rule(engine):
    first = person(engine, "+6281234560006").send("siapa yang bayar tiket dan visa kerja untuk PRT?")[0]
    assert "aturan lama" in first and "2025" in first and "BP3MI" in first


# --- safety numbers for where the person is -------------------------------------------------------------------
def test_a_police_question_from_malaysia_gets_999_not_110(engine, store):
    worker = person(engine, "+60123456701")
    first = worker.send("kalau majikan marah2 terus, boleh sy lapor polis? nomornya berapa")[0]
    assert "999" in first and "Di Indonesia telepon polisi 110" not in first
    assert opened(store) == []


def test_a_number_question_naming_taiwan_gets_the_taiwan_line(engine):
    first = person(engine, "+6281234560008").send("di taiwan ada nomor pengaduan yang bisa bahasa indonesia?")[0]
    assert "1955" in first


@pytest.mark.parametrize(("text", "country"), [
    ("di taiwan ada yang bisa bahasa indonesia?", "Taiwan"),
    ("sy di sabah, mau pulang ke indonesia", "Malaysia"),
    ("saya orang indonesia di hongkong", "Hong Kong"),
    ("nomor polisi di indonesia", hotlines.INDONESIA),
    ("bisa bahasa indonesia?", None),
])
def test_country_in_text_prefers_the_country_abroad(text, country):
    assert hotlines.country_in_text(text) == country


# --- how to check a company, then the check asks for its name ------------------------------------------------
def test_how_to_check_a_company_says_siskop2mi_then_asks_the_name(engine):
    asker = person(engine, "+6281234560009")
    replies = asker.send("bagaimana cara tahu perusahaan penyalur itu resmi atau tidak?")
    assert "siskop2mi" in replies[0].lower()
    assert any("PT" in r and "?" in r for r in replies[1:]), replies


# --- every fact an answer states is sourced -------------------------------------------------------------------
def test_every_fact_an_answer_states_is_sourced_dated_and_sayable():
    known = facts.facts_by_id()
    stated = set(FACT_ANSWERS) | {f for more in FACT_ANSWER_FACTS.values() for f in more}
    for fact_id in sorted(stated):
        fact = known[fact_id]
        assert fact.source and fact.source_url.startswith(("http://", "https://")), fact_id
        assert fact.confidence in ("V", "S") and fact.say, fact_id
        assert fact.as_of is not None, fact_id
    assert {"complaint_channels", "family_may_complain", "job_fraud_complaint_category",
            "deportee_reentry_ban_sabah", "bpjs_jkm_death_cover", "splp_travel_document",
            "emergency_malaysia_999", "middle_east_household_ban"} <= stated


def test_a_help_topic_fact_without_a_number_is_answered_as_a_fact(engine):
    first = person(engine, "+6281234560011").send("is there a phone app to register my stay with the embassy?")[0]
    assert "Safe Travel" in first and "0800-1000" not in first


def test_an_undocumented_worker_hears_that_the_government_protects_all(engine):
    first = person(engine, "+6281234560012").send("tki yg tdk resmi msh dilindungi pemerintah ka?")[0]
    assert "melindungi semua pekerja migran" in first and "KBRI" in first


def test_a_report_of_recruiting_that_asks_gets_the_answer_then_the_village_watch(engine, store):
    watcher = person(engine, "+6281234560013")
    replies = watcher.send("ada bapa dari kecamatan sebelah kumpul anak2 muda mau bawa ke malaysia tanpa PT, "
                           "dia yg urus semua. itu boleh ko?")
    assert "tidak boleh menempatkan pekerja migran" in replies[0], replies
    assert any("tanpa nama Anda" in r for r in replies[1:]), "then the village watch keeps the report"
    assert opened(store) == []


def test_the_question_at_the_end_of_a_long_message_is_the_one_answered(engine, store):
    first = person(engine, "+6281234560014").send(
        "what if my boss sends me away because i refused to clean his shop on sunday, can i complain?")[0]
    assert "complain to KP2MI" in first and "BP3MI" in first


def test_a_report_from_sabah_that_asks_how_to_go_home_names_the_missions_there(engine, store):
    first = person(engine, "+6281234560015").send("paspor sy ditahan majikan di sabah, sy mau pulang. bagaimana?")[0]
    assert "ADU-" in first and "SPLP" in first and "Di Sabah: KJRI Kota Kinabalu, atau KRI Tawau" in first
    assert "Penang" not in first and "Kuching" not in first, "only the missions of Sabah"



def test_a_report_that_asks_about_the_police_gets_the_police_number_for_the_place(engine, store):
    first = person(engine, "+6281234560016").send(
        "calo ambil uang sy 5 juta, janji berangkat ke malaysia tapi hilang. boleh sy lapor ke polisi?")[0]
    assert "ADU-" in first and "polisi 110" in first, "not yet abroad: the Indonesian police number, not 999 only"
    abroad = person(engine, "+60123456703").send(
        "majikan tidak bayar gaji sy 5 bulan dan marah2 terus. boleh sy lapor polis?")[0]
    assert "999" in abroad and "Di Indonesia telepon polisi 110" not in abroad


def test_a_report_that_asks_where_to_report_gets_where_to_complain(engine, store):
    # A clause tells the writer's own harm (bot/understanding/clauses.py): the case opens at once, and where to
    # complain is in the same first reply (session 5 asked "did this happen to you?" first).
    worker = person(engine, "+6281234560017")
    first = worker.send("sponsor di soe simpan ktp dan ijazah sy sudah 2 bulan. sy mesti mengadu ke kantor mana?")[0]
    assert "ADU-" in first and "BP3MI" in first and "Balas 1 kalau ya" not in first
    assert [c.category for c in opened(store)] == ["documents_held"]


@pytest.mark.parametrize(("text", "expected"), [
    ("kaki sy patah jatuh dari tangga waktu kerja di pabrik, majikan tdk mau tanggung. bpjs bisa bantu ga?", "JKK"),
])
def test_a_report_that_asks_a_short_question_gets_the_fact_its_problem_vouches_for(engine, store, text, expected):
    first = person(engine, f"+62812347{abs(hash(text)) % 100000:05d}").send(text)[0]
    assert "ADU-" in first and expected in first, first
    assert len(opened(store)) == 1


def test_a_report_from_taiwan_that_asks_where_to_report_names_kdei_not_an_embassy(engine, store):
    first = person(engine, "+6281234560021").send(
        "sy kerja di pabrik di taiwan, gaji 3 bulan tdk dibayar. sy harus lapor ke mana?")[0]
    assert "ADU-" in first and "KDEI Taipei" in first, first


def test_the_protection_of_workers_without_papers_answers_a_question_about_rights():
    # The classifier sure of "your rights", retrieval at 0.26 for the protection of all workers: two signals agree.
    found = retrieval.default_retriever().find("hak tki ilegal", "ask_rights", True)
    assert found is not None and found.fact == "government_protects_all_pmi" and found.confident, found
