"""The classifier: cache round trip, intents of fresh messages, the report-wins rule, entities, language, Rasa."""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.understanding.language import detect_language
from bot.understanding.nlu import INTENTS_DIR
from bot.understanding.nlu import EmbeddedClassifier
from bot.understanding.nlu import RasaClassifier
from bot.understanding.nlu import choose_intent
from bot.understanding.nlu import load_classifier
from bot.understanding.nlu import training_hash
from bot.understanding.normalise import normalise
from bot.understanding.intents import INTENTS


@pytest.fixture(scope="session")
def classifier(nlu_cache_dir: Path) -> EmbeddedClassifier:
    """Train (or load) the embedded classifier once for the whole session."""
    return EmbeddedClassifier.load(INTENTS_DIR, nlu_cache_dir)


# Fresh sentences written for these tests (not copied from intents/), grouped by intent family.
MESSAGES = {
    "greet": ["slamat sore kaka admin", "hallo selamat siang"],
    "help_menu": ["sy bingung mau mulai dr mana, ada menu apa sj"],
    "ask_requirements": ["apa sj dokumen yg perlu sy siapkan kalau mau krja di singapura"],
    "ask_costs": ["brp total ongkos yg hrs sy keluarkan utk brangkat ke taiwan"],
    "ask_procedure": ["gmn langkah2 daftar jadi pmi resmi lewat disnaker"],
    "verify_recruiter": ["tolong cek PT Sinar Harapan Abadi itu punya izin ka sonde"],
    "ask_job_vacancy": ["ada lowongan kerja pabrik di korea ka? sy laki2 umur 25"],
    "ask_hotline": ["nomor pengaduan bp2mi brp ya kak"],
    "report_documents_held": ["majikan simpan beta pung paspor dari awal datang, minta sonde mau kasi"],
    "report_unpaid_wages": ["sudah 4 bulan sy kerja di kebun sawit tp gaji sepeser pun blm trima"],
    "report_abuse": ["istri saya dipukul dan ditendang majikan perempuan kalau salah sedikit"],
    "report_missing_contact": ["adik sy di malaysia sdh 6 bln tdk bisa dihubungi, hp mati terus"],
    "report_deception": ["dijanjikan kerja di restoran ternyata disuruh kerja di ladang tanpa kontrak"],
    "report_recruiter_activity": ["ada om dari luar datang di desa kami kumpul anak2 muda mau bawa ke malaysia tanpa surat"],
    "report_emergency": ["TOLONG sy dikunci di dlm rumah majikan tdk bisa keluar"],
    "thanks_goodbye": ["oke mksh banyak infonya kak, tuhan berkati"],
    "change_language": ["can you reply in english please"],
    "talk_to_officer": ["sy mau bicara langsung dgn petugas manusia sj"],
}
FAMILIES = [(intent, text) for intent, texts in MESSAGES.items() for text in texts]


def test_cache_round_trip(tmp_path: Path) -> None:
    intents = tmp_path / "intents"
    shutil.copytree(INTENTS_DIR, intents)
    cache = tmp_path / "cache"
    first = EmbeddedClassifier.load(intents, cache)
    assert not first.from_cache
    assert len(list(cache.glob("nlu-*.pkl"))) == 1
    started = time.perf_counter()
    second = EmbeddedClassifier.load(intents, cache)
    assert second.from_cache
    assert time.perf_counter() - started < first.train_seconds
    for _, text in FAMILIES:
        assert first.classify(text) == second.classify(text)
    before = training_hash(intents)
    extra = intents / "zz_extra.yml"
    extra.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - halo kakak petugas yang baik\n')
    assert training_hash(intents) != before
    third = EmbeddedClassifier.load(intents, cache)
    assert not third.from_cache
    assert third.examples == first.examples + 1


@pytest.mark.parametrize("intent,text", FAMILIES)
def test_fresh_messages_get_the_right_intent(classifier: EmbeddedClassifier, intent: str, text: str) -> None:
    understanding = classifier.classify(text)
    assert understanding.intent == intent, understanding.ranking


def test_understanding_has_ranking_and_confidence(classifier: EmbeddedClassifier) -> None:
    u = classifier.classify("brp biaya kerja ke hong kong")
    assert u.intent in INTENTS
    assert 0 < u.confidence <= 1
    assert len(u.ranking) == 5
    assert [conf for _, conf in u.ranking] == sorted((conf for _, conf in u.ranking), reverse=True)
    assert u.backend == "embedded"


@pytest.mark.parametrize("text,report", [
    ("brp biaya urus paspor baru? paspor sy yg lama ditahan agen", "report_documents_held"),
    ("apa hak sy sbg pekerja, gaji sdh 3 bulan tdk dibayar majikan", "report_unpaid_wages"),
    ("halo kak, adik sy di malaysia hilang kontak sejak natal", "report_missing_contact"),
    ("what are my rights? my employer beat me yesterday", "report_abuse"),
])
def test_report_wins_over_a_question(classifier: EmbeddedClassifier, text: str, report: str) -> None:
    assert classifier.classify(text).intent == report


def test_report_wins_rule_on_a_ranking() -> None:
    close = [("ask_costs", 0.45), ("report_fees_or_debt", 0.35), ("ask_procedure", 0.2)]
    assert choose_intent(close, "saya sudah kasih agen 5 juta berapa biaya lagi")[0] == "report_fees_or_debt"
    # A generic question ("berapa biaya", no one of the writer's own) skips the close-report rule.
    assert choose_intent(close, "berapa biaya")[0] == "ask_costs"
    far = [("ask_costs", 0.9), ("report_fees_or_debt", 0.05), ("ask_procedure", 0.05)]
    assert choose_intent(far, "saya sudah kasih agen 5 juta berapa biaya lagi")[0] == "ask_costs"
    signalled = [("ask_rights", 0.9), ("ask_costs", 0.05), ("report_documents_held", 0.01)]
    assert choose_intent(signalled, normalise("paspor sy ditahan majikan"))[:3:2] == ("report_documents_held", True)
    exempt = [("check_case_status", 0.6), ("report_unpaid_wages", 0.4)]
    assert choose_intent(exempt, normalise("status laporan gaji blm dibayar"))[0] == "check_case_status"


def test_hypothetical_question_is_no_harm_signal() -> None:
    assert choose_intent([("ask_rights", 0.9), ("report_documents_held", 0.01)],
                         normalise("kalau paspor ditahan apa hak saya"))[0] == "ask_rights"


@pytest.mark.parametrize("text,intent", [
    ("apakah calo boleh minta uang utk urus keberangkatan?", "ask_rights"),
    ("jadi pembantu di hongkong gaji dipotong brp bulan utk biaya agen?", "ask_rights"),
    ("is it legal for the agency to hold passports until the contract ends", "ask_rights"),
])
def test_a_generic_question_about_harm_is_no_report(text: str, intent: str) -> None:
    ranking = [("report_fees_or_debt", 0.6), ("ask_rights", 0.25), ("report_documents_held", 0.1), ("greet", 0.05)]
    assert choose_intent(ranking, normalise(text), asked="?" in text) == ("ask_rights", 0.25, False)


@pytest.mark.parametrize("text", [
    "agen minta uang saya 5 juta utk urus keberangkatan, boleh ka?",
    "kakak sy gajinya dipotong 7 bulan sama agen, itu legal ga?",
    "bos potong gaji tiap bulan katanya utk bayar levy, boleh ka macam tu?",
])
def test_a_question_about_ones_own_harm_stays_a_report(text: str) -> None:
    ranking = [("report_fees_or_debt", 0.6), ("ask_rights", 0.25), ("report_documents_held", 0.1), ("greet", 0.05)]
    assert choose_intent(ranking, normalise(text), asked=True)[0] == "report_fees_or_debt"


def test_a_question_opening_with_a_hypothetical_is_a_question_even_about_oneself() -> None:
    ranking = [("report_abuse", 0.6), ("ask_rights", 0.3), ("ask_hotline", 0.1)]
    text = "kalau majikan pukul sy apa boleh sy lapor polis malaysia?"
    assert choose_intent(ranking, normalise(text), asked=True)[0] == "ask_rights"
    told = "majikan pukul sy kemarin, apa boleh sy lapor polis malaysia?"
    assert choose_intent(ranking, normalise(told), asked=True)[0] == "report_abuse"


def test_generic_questions_keep_danger_and_village_recruiters() -> None:
    recruiter = [("report_recruiter_activity", 0.6), ("verify_recruiter", 0.4)]
    assert choose_intent(recruiter, normalise("ada calo kumpul anak muda di desa, itu resmi ka?"))[0] == (
        "report_recruiter_activity")
    danger = [("ask_rights", 0.9), ("report_emergency", 0.05), ("report_abuse", 0.05)]
    assert choose_intent(danger, normalise("apa yg hrs dilakukan, mau dibunuh majikan"))[0] == "report_emergency"


def test_a_generic_question_skips_the_close_report_rule() -> None:
    close = [("ask_hotline", 0.3), ("report_emergency", 0.17), ("ask_costs", 0.1)]
    assert choose_intent(close, normalise("nomor polisi di johor brp?"), asked=True)[0] == "ask_hotline"
    assert choose_intent(close[:1] + [("report_abuse", 0.2)], normalise("majikan pukul saya, nomor polisi brp?"),
                         asked=True)[0] == "report_abuse"


@pytest.mark.parametrize("text", [
    "is my employer allowed to keep my passport?",
    "do i have the right to keep my own passport",
])
def test_asking_whether_it_is_allowed_is_no_harm_signal(text: str) -> None:
    assert choose_intent([("ask_rights", 0.9), ("report_documents_held", 0.01)], normalise(text))[0] == "ask_rights"


@pytest.mark.parametrize("text", ["xqzv kplm wrtb", "jjjj kkkk llll mmmm", "zzxq"])
def test_gibberish_is_low_confidence(classifier: EmbeddedClassifier, text: str) -> None:
    assert classifier.classify(text).low_confidence


@pytest.mark.parametrize("text", ["", "   ", "😀🙏😭", "\ud800\x00\x07", "!!!???", "a" * 100_000,
                                  "paspor ditahan " * 7000])
def test_odd_inputs_do_not_crash(classifier: EmbeddedClassifier, text: str) -> None:
    u = classifier.classify(text)
    assert u.intent in INTENTS
    assert u.language in ("id", "en")
    json.dumps({"entities": list(u.entities), "ranking": list(u.ranking)})


def test_empty_text_is_out_of_scope_and_low_confidence(classifier: EmbeddedClassifier) -> None:
    u = classifier.classify("🙏")
    assert (u.intent, u.low_confidence) == ("out_of_scope", True)


def test_entities(classifier: EmbeddedClassifier) -> None:
    u = classifier.classify("sy dr soe, kakak di mlysia. cek status ADU-7KQ2MX dan PT Bintang Timur Jaya "
                            "izin 12/SIP3MI/2023 masih berlaku ka")
    found = {(e["entity"], e["value"]) for e in u.entities}
    assert ("kabupaten", "Timor Tengah Selatan") in found
    assert ("country", "Malaysia") in found
    assert ("case_ref", "ADU-7KQ2MX") in found
    assert ("licence_number", "12/SIP3MI/2023") in found
    assert ("company", "PT Bintang Timur Jaya") in found
    for e in u.entities:
        assert e["start"] < e["end"]


def test_company_names_stop_at_ordinary_words(classifier: EmbeddedClassifier) -> None:
    u = classifier.classify("pt maju sejahtera itu resmi ka sonde")
    assert u.entity("company") == "PT maju sejahtera"
    assert classifier.classify("agen itu bilang gratis").entity("company") is None


@pytest.mark.parametrize("text,language", [
    ("beta pung anak su 3 bulan sonde kasi kabar", "id"),
    ("hello I need help my passport", "en"),
    ("sy mau krja di mlysia brp biaya", "id"),
    ("boss tak bayar gaji saya dah dua bulan", "id"),
    ("my employer in malaysia keeps my passport", "en"),
    ("halo", "id"),
    ("", "id"),
])
def test_language_detection(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_classifier_sets_language(classifier: EmbeddedClassifier) -> None:
    assert classifier.classify("hello I need help my passport").language == "en"
    assert classifier.classify("beta pung anak su 3 bulan sonde kasi kabar").language == "id"


def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_rasa_backend_falls_back_quickly_on_a_dead_server(nlu_cache_dir: Path, caplog) -> None:
    settings = Settings(database=":memory:", nlu_backend="rasa", rasa_url=f"http://127.0.0.1:{closed_port()}")
    chosen = load_classifier(settings, INTENTS_DIR, nlu_cache_dir)
    assert isinstance(chosen, RasaClassifier)
    started = time.perf_counter()
    u = chosen.classify("gaji sy blm dibayar 3 bulan, nomor sy 081234567890")
    assert time.perf_counter() - started < 2.5
    assert u.intent == "report_unpaid_wages"
    assert u.backend == "embedded"
    assert "Rasa" in caplog.text and "081234567890" not in caplog.text


def test_rasa_parse_result_mapping(classifier: EmbeddedClassifier) -> None:
    rasa = RasaClassifier("http://127.0.0.1:9", classifier)
    parsed = {
        "text": "hmm",
        "intent": {"name": "nlu_fallback", "confidence": 0.35},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.35}, {"name": "greet", "confidence": 0.2},
                           {"name": "ask_costs", "confidence": 0.1}],
        "entities": [],
    }
    u = rasa.understanding("hmm", parsed)
    assert (u.intent, u.low_confidence, u.backend) == ("greet", True, "rasa")
    sure = dict(parsed, intent={"name": "ask_costs", "confidence": 0.9},
                intent_ranking=[{"name": "ask_costs", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}])
    assert (rasa.understanding("brp biaya", sure).intent, rasa.understanding("brp biaya", sure).low_confidence) == (
        "ask_costs", False)


def test_embedded_is_the_default_backend(nlu_cache_dir: Path) -> None:
    chosen = load_classifier(Settings(database=":memory:"), INTENTS_DIR, nlu_cache_dir)
    assert isinstance(chosen, EmbeddedClassifier)


@pytest.mark.skipif(not os.environ.get("RASA_URL"), reason="set RASA_URL to test against a real Rasa server")
def test_real_rasa_server(nlu_cache_dir: Path) -> None:
    settings = Settings(database=":memory:", nlu_backend="rasa", rasa_url=os.environ["RASA_URL"])
    chosen = load_classifier(settings, INTENTS_DIR, nlu_cache_dir)
    u = chosen.classify("gaji sy sdh 5 bulan blm dibayar majikan")
    assert u.backend == "rasa"
    assert u.intent == "report_unpaid_wages"
    assert u.ranking and u.ranking[0][0] in INTENTS


def test_predict_command_prints_json_lines(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["nlu", "predict"], input="brp biaya ke taiwan\n\nhello I need help my passport\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{\"text\"")]
    assert [line["text"] for line in lines] == ["brp biaya ke taiwan", "hello I need help my passport"]
    assert lines[0]["intent"] == "ask_costs"
    assert lines[1]["language"] == "en"
    assert set(lines[0]) == {"text", "intent", "confidence", "language", "ranking", "entities", "harm"}
    assert lines[0]["harm"] < 0.5, "a question about costs is no account of harm"
    assert all(len(pair) == 2 for pair in lines[0]["ranking"])


def test_per_word_ngram_cache_gives_the_scores_of_whole_text_analysis(classifier: EmbeddedClassifier) -> None:
    from collections import Counter

    import numpy as np

    model = classifier.model

    def reference(norm: str) -> np.ndarray:
        """Score a text by running every analyzer over the whole text, without the per-word cache."""
        rows, values = [], []
        for analyze, vocab, idf, offset in zip(model.analyzers, model.vocabularies, model.idfs, model.offsets):
            counts = Counter(j for j in map(vocab.get, analyze(norm)) if j is not None)
            if counts:
                v = (1.0 + np.log(np.asarray(list(counts.values()), dtype=np.float64))) * idf[list(counts)]
                v /= np.sqrt(v @ v)
                rows += [j + offset for j in counts]
                values += v.tolist()
        return np.asarray(values) @ model.weights[rows] + model.intercept if rows else model.intercept

    texts = [text for _, text in FAMILIES] + ["", "a", "zzzq xqv", "gaji  gaji\tgaji belum", "paspor paspor"]
    for _ in range(2):  # cold, then warm cache
        for text in texts:
            norm = normalise(text)
            assert np.allclose(model.scores(norm), reference(norm), rtol=0, atol=1e-12), text
    assert any(model.per_word)
