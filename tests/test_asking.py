"""Question or report: negation, fear, intention, tags and person words (bot/understanding/asking.py, nlu.py).

The texts are the team's own, written after the classes of failure seen in cross-validation on
tests/data/real/train.yml (bench/real_eval.py --part train --folds 5): never copied from a corpus file.
"""

from __future__ import annotations

import pytest

from bot.understanding import asking
from bot.understanding.nlu import choose_intent
from bot.understanding.nlu import load_signals
from bot.understanding.normalise import normalise


def harm(text: str) -> tuple[str, ...]:
    return asking.read(text).harm


@pytest.mark.parametrize("text", [
    "paspor saya tidak ditahan, saya cuma mau tanya cara pulang",
    "majikan saya baik, saya belum pernah dipukul",
    "my passport is not held by anyone, how do I renew it",
])
def test_negated_harm_is_no_harm(text):
    assert harm(text) == ()


@pytest.mark.parametrize("text", [
    "majikan bilang gaji bisa dipotong",
    "agen bilang paspor nanti ditahan",
])
def test_harm_that_is_only_feared_or_possible_is_no_signal(text):
    assert load_signals().matching(normalise(text)) == []


def test_a_negated_harm_word_does_not_turn_a_question_into_a_report():
    ranking = [("ask_return_home", 0.5), ("report_documents_held", 0.4)]
    text = "paspor saya tidak ditahan, gmn cara pulang?"
    assert choose_intent(ranking, normalise(text), asked=True)[2] is False


@pytest.mark.parametrize(("text", "intent"), [
    ("gaji saya selalu telat 2 bulan", "report_unpaid_wages"),
    ("dijanjikan 1500 ringgit, di sini cuma dibayar 700", "report_unpaid_wages"),
    ("sudah 6 bulan kerja belum dapat apa apa dari majikan", "report_unpaid_wages"),
    ("my boss doesn't pay me since march", "report_unpaid_wages"),
    ("paspor sy masih sama agen di kupang", "report_documents_held"),
    ("anak saya ditangkap polisi di sabah", "report_other_problem"),
    ("bos tidak mau antar saya ke rumah sakit padahal saya sakit", "report_other_problem"),
    ("kami 3 bulan menunggu di penampungan", "report_other_problem"),
    ("majikan ancam saya kalau saya lapor", "report_abuse"),
    ("umur saya dinaikkan di ktp oleh sponsor", "report_deception"),
    ("agen bilang saya kena denda 5 juta karena pulang cepat", "report_fees_or_debt"),
    ("my cousin said the foreman kicks him and hit him with a stick", "report_abuse"),
    ("suami saya sudah 2 bulan di depot imigresen", "report_other_problem"),
    ("kami ditahan petugas di pelabuhan", "report_other_problem"),
    ("saya dipaksa tanda tangan kontrak baru", "report_deception"),
    ("saya kerja di rumah saudaranya, tidak dibayar penuh", "report_unpaid_wages"),
    ("dijanjikan kerja di hotel, malah diganti kerja di kebun", "report_deception"),
    ("bos tidak kasih uang sudah 5 bulan", "report_unpaid_wages"),
    ("kontrak saya sudah habis tapi majikan tidak kasih pulang", "report_other_problem"),
    ("di kapal kapten sering pukul kami", "report_abuse"),
    ("gaji sudah 6 bulan belum dikirim", "report_unpaid_wages"),
    ("majikan jarang kasih makan saya", "report_abuse"),
    ("tiap pagi bos kunci pintu dari luar", "report_emergency"),
    ("bos selalu bilang bulan depan baru bayar", "report_unpaid_wages"),
])
def test_harm_told_in_everyday_words(text, intent):
    assert intent in harm(text)


def test_a_person_told_of_in_one_clause_carries_into_the_next():
    # "dia di mana" asks, but about the writer's husband: harm in that clause is no general question.
    assert "report_missing_contact" in harm("suami saya kerja di sabah, sejak lebaran tidak ada kabar dia dimana")
    # a question tagged at its end is a question, even after a story ("... kena denda ke?")
    assert harm("kakak saya kerja di sabah, kalau pulang kena denda berapa ke?") == ()
    # a question about the rule, with no one of the writer's own in it, stays a question
    assert harm("gaji dipotong berapa bulan?") == ()


def test_apa_apa_means_anything_not_what():
    reading = asking.read("sudah 6 bulan kerja belum dapat apa apa dari majikan")
    assert not reading.asks and reading.kind == asking.REPORT


@pytest.mark.parametrize("text", [
    "majikan simpan permit sy, itu salah ke",   # Malaysian tag question
    "agen suruh saya kasih kartu atm, saya kasih atau tidak",
])
def test_tag_questions_ask(text):
    assert asking.read(text).asks


def test_a_plan_to_run_away_is_not_grave():
    assert not asking.read("anak saya mau ikut kabur ke malaysia lewat jalan tikus").grave
    assert asking.read("anak saya sudah kabur dari majikan").grave


def test_more_person_words():
    assert asking.read("akak saya sudah 3 bulan di kilang").person
    assert asking.read("kawan sekampung sudah 2 tahun di sabah").person


def test_harm_names_the_report_when_the_top_report_is_unsure():
    ranking = [("report_recruiter_activity", 0.30), ("report_missing_contact", 0.25), ("ask_procedure", 0.2)]
    text = normalise("saya sudah ikut sponsor, sekarang di surabaya belum ada kabar")
    assert choose_intent(ranking, text, threshold=0.35) == ("report_missing_contact", 0.25, True)
    # a sure classifier keeps its report
    sure = [("report_recruiter_activity", 0.60), ("report_missing_contact", 0.25)]
    assert choose_intent(sure, text, threshold=0.35)[0] == "report_recruiter_activity"


def test_told_to_pay_a_sum_is_harm_but_asking_what_to_pay_is_not():
    assert "report_fees_or_debt" in harm("the agent said i must pay rm 2000 before i get my passport back")
    assert harm("berapa harus bayar ke PT?") == ()
    assert harm("apakah saya harus bayar 5 juta?") == ()


def test_a_death_told_is_grave_trouble():
    reading = asking.read("jenazah kakak saya masih di rumah sakit johor, kami tidak punya uang. harus bagaimana?")
    assert reading.grave and reading.troubled and reading.tells


def test_a_rule_asked_about_with_no_ones_story_is_no_harm():
    assert harm("kompeni bilang paspor harus disimpan di kantor, betul itu aturannya?") == ()
    # a harm told with a time word is a story even without a pronoun
    assert "report_fees_or_debt" in harm("sudah bayar 8 juta ke PT tapi belum berangkat, itu wajar?")


def test_an_unsure_emergency_without_danger_gives_way_to_the_next_report():
    ranking = [("report_emergency", 0.30), ("report_other_problem", 0.28), ("ask_rights", 0.2)]
    assert choose_intent(ranking, normalise("majikan bilang saya lari padahal dia usir saya"),
                         threshold=0.35) == ("report_other_problem", 0.28, False)
    # danger named keeps the emergency
    assert choose_intent(ranking, normalise("saya dikunci di kamar"), threshold=0.35)[0] == "report_emergency"


def test_a_duration_is_no_story_but_a_past_harm_is():
    # a cut over six months, asked about: a rule; the same money already paid: a story
    assert harm("berapa biaya resmi ke hongkong? katanya agen potong gaji 6 bulan") == ()
    assert harm("agen sudah potong gaji 6 bulan, itu wajar?") != ()


def test_an_asking_word_after_not_knowing_is_told_not_asked():
    assert not asking.read("saya tidak tahu siapa yang bawa anak saya ke malaysia").asks
    assert not asking.read("i don't know where my son is now").asks
    assert asking.read("saya mau tahu berapa biaya ke hongkong").asks


def test_a_question_close_behind_a_report_wins_when_no_harm_is_told():
    ranking = [("report_other_problem", 0.45), ("ask_return_home", 0.30), ("ask_rights", 0.1)]
    text = "beta mau pulang kampung tapi tidak ada paspor, bisa ko?"
    assert choose_intent(ranking, normalise(text), asked=True)[0] == "ask_return_home"
    # harm told keeps the report; a question far behind keeps it too
    harmed = "paspor beta ditahan bos, bisa pulang ko?"
    assert choose_intent(ranking, normalise(harmed), asked=True)[0] == "report_other_problem"
    far = [("report_other_problem", 0.70), ("ask_return_home", 0.20)]
    assert choose_intent(far, normalise(text), asked=True)[0] == "report_other_problem"


def test_a_deportation_once_gone_through_is_history_a_fresh_one_is_trouble():
    # "pernah": the writer's history, asked about for going again (a question); "baru": trouble now (a report)
    history = asking.read("sa pernah dideportasi dari sabah, bisa pi karja di malaysia lai ko?")
    assert not history.troubled and not history.tells
    fresh = asking.read("sy baru dideportasi sampai nunukan, skrg tdk ada ongkos pulang")
    assert fresh.troubled and fresh.tells


@pytest.mark.parametrize("text", ["℠", "™", "① ②", "ﬁ?"])
def test_a_symbol_the_normaliser_spells_out_reads_without_error(text: str) -> None:
    """A sign that normalises to letters but has no word of its own ("℠" → "sm") is read, not an IndexError."""
    reading = asking.read(text)
    assert reading.asks == ("?" in text)
