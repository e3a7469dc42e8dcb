"""The learned harm decision: P(account of harm | text), trained and cached with the classifier (bot/understanding/harm.py).

The texts are the team's own, written after the labelling rule of issue #14 (a report tells a problem that has
happened to the writer or someone they write for; a question asks without telling one), not copied from a corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.conversation.questions import HARM_QUESTION
from bot.conversation.questions import HARM_REPORT
from bot.understanding import harm
from bot.understanding.intents import REPORT_INTENTS
from bot.understanding.nlu import INTENTS_DIR
from bot.understanding.nlu import EmbeddedClassifier
from bot.understanding.nlu import RasaClassifier
from bot.understanding.real_corpus import REAL_TRAIN
from bot.understanding.training_data import Example
from bot.understanding.training_data import TrainingData


@pytest.fixture(scope="module", name="classifier")
def trained_classifier(nlu_cache_dir: Path) -> EmbeddedClassifier:
    """The classifier the app loads (intents/ with real.yml), from the session's model cache."""
    return EmbeddedClassifier.load(INTENTS_DIR, nlu_cache_dir)


def small_data() -> TrainingData:
    """A few accounts of harm and a few questions: enough for the model to learn the difference."""
    reports = ["gaji saya belum dibayar majikan", "paspor saya ditahan agen", "majikan pukul saya tiap hari",
               "gaji adik saya tidak dibayar 4 bulan", "agen ambil paspor saya", "saya dipukul bos"]
    questions = ["berapa biaya kerja ke malaysia?", "apa syarat kerja ke taiwan?", "bagaimana cara daftar kerja?",
                 "boleh ga majikan tahan paspor?", "apa hak pekerja kalau gaji telat?", "dimana kantor bp3mi?"]
    examples = [Example(t, "report_unpaid_wages" if "gaji" in t else "report_abuse") for t in reports]
    examples += [Example(t, "ask_rights" if "hak" in t or "boleh" in t else "ask_costs") for t in questions]
    return TrainingData(examples=examples)


def test_the_model_learns_accounts_of_harm_from_questions():
    classifier = EmbeddedClassifier.train(small_data(), calibrate=False)
    told = classifier.harm_probability("gaji kakak saya belum dibayar")
    asked = classifier.harm_probability("berapa biaya kerja ke hongkong?")
    assert told is not None and asked is not None
    assert told > 0.5 > asked


def test_every_report_intent_is_harm_and_no_other_intent_is():
    assert all(harm.is_harm(intent) for intent in REPORT_INTENTS)
    assert not any(harm.is_harm(intent) for intent in ("ask_rights", "ask_costs", "greet", "check_case_status"))


def test_the_real_texts_kind_agrees_with_their_label():
    """The harm labels come from the intents: a report (or report+question) has a report label, nothing else does."""
    for item in yaml.safe_load(REAL_TRAIN.read_text(encoding="utf-8"))["texts"]:
        reported = item["kind"] in ("report", "report+question")
        assert reported == (item["label"] in REPORT_INTENTS), item["text"]


def test_cues_have_one_value_per_name():
    assert harm.cues("majikan tahan paspor sy, itu boleh ga?").shape == (len(harm.CUES) + len(harm.SITUATION_CUES)
                                                                        + len(harm.CLAUSE_CUES),)
    assert harm.cues("").sum() == 0


def situation(text: str) -> dict[str, float]:
    """The situation cues of `text` by name."""
    return dict(zip(harm.CUES + harm.SITUATION_CUES + harm.CLAUSE_CUES, harm.cues(text)))


@pytest.mark.parametrize(("text", "cue"), [
    ("sy tdk ada masalah apa2 sama majikan, cuma mau tanya cuti", "denial"),
    ("no problem with my boss, how do i renew my permit?", "denial"),
    ("sy tdk ditipu kok, PT nya resmi", "denial"),
    ("paspor saya tidak ditahan, saya cuma mau tanya cara pulang", "denial"),  # a harm verb negated
    ("sy blm pernah dipukul, tp majikan suka marah", "denial"),
    ("kalau gaji telat 2 bulan sy harus bagaimana?", "supposing"),
    ("sy mau berangkat ke taiwan thn depan, syaratnya apa?", "plan"),
    ("ada yg tawarkan kerja di kebun, gaji 4 jt", "offer"),
    ("apa hak pekerja rumah tangga di hongkong?", "generic"),
    ("gaji sy su tdk dibayar", "past"),
    ("gaji sy 3 bulan tdk dibayar", "duration"),
    ("boleh sy pulang sebelum kontrak habis?", "may_i"),
    ("can i change employer in taiwan?", "may_i"),
])
def test_a_situation_cue_is_seen(text, cue):
    assert situation(text)[cue] == 1


@pytest.mark.parametrize(("text", "cue"), [
    ("gaji sy tdk dibayar, majikan marah2", "denial"),   # a negation of something else is no denial of trouble
    ("sy sdh 7 bulan kerja, tdk dapat apa apa", "denial"),  # got nothing: harm, not "nothing wrong"
    ("paspor sy ditahan, gaji tidak dibayar", "denial"),  # "not paid" is the harm itself, no denial
    ("gaji sy tdk dibayar", "supposing"),
    ("sy sdh pulang ke kupang", "plan"),
    ("gaji sy tdk dibayar", "past"),
])
def test_a_situation_cue_is_not_seen_where_it_is_not(text, cue):
    assert situation(text)[cue] == 0


# The labelling rule's own examples (issue #14) and more of the same kinds.
REPORTS = [
    "paspor saya ditahan majikan sejak 2 bulan",
    "anak sy sdh 3 bulan tdk ada kabar",
    "majikan larang sy ke gereja",
    "majikan tahan paspor sy, itu boleh ga?",
    "gaji sy blm dibayar 3 bln, sy harus lapor kemana?",
    "my boss keeps my passport since I arrived, what can I do?",
]
QUESTIONS = [
    "boleh ga majikan tahan paspor?",
    "kalau gaji tidak dibayar saya harus bagaimana",
    "is my employer allowed to keep my passport?",
    "apa sy bisa ditangkap kalau paspor mati?",
    "kalau paspor ditahan agen, saya lapor ke mana?",
]


@pytest.mark.parametrize("text", REPORTS)
def test_accounts_of_harm_are_sure_enough_to_open_a_case(classifier, text):
    assert classifier.classify(text).harm >= HARM_REPORT


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_about_a_problem_are_sure_enough_to_be_answered(classifier, text):
    assert classifier.classify(text).harm < HARM_QUESTION


@pytest.mark.parametrize("text", [
    "paspor saya tidak ditahan, saya cuma mau tanya cara perpanjang",   # negated
    "majikan saya baik, saya belum pernah dipukul, mau tanya soal cuti",  # negated, then asks
    "sy takut nanti gaji dipotong",                                      # feared, not happened
    "saya takut nanti dipukul majikan kalau minta libur, boleh saya minta libur?",
    "sy sdh di malaysia 2 thn, mau perpanjang paspor gmn?",              # the writer's situation, no problem
])
def test_negated_or_feared_harm_opens_no_case(classifier, text):
    assert classifier.classify(text).harm < HARM_REPORT


def test_small_talk_is_no_harm(classifier):
    assert classifier.classify("halo kak").harm < HARM_QUESTION
    assert classifier.classify("terima kasih banyak").harm < HARM_QUESTION


def test_the_harm_model_is_cached_with_the_classifier(nlu_cache_dir: Path, classifier):
    again = EmbeddedClassifier.load(INTENTS_DIR, nlu_cache_dir)
    assert again.from_cache
    text = "gaji sy blm dibayar 3 bln"
    assert again.harm is not None and again.classify(text).harm == classifier.classify(text).harm


def test_rasa_takes_the_harm_probability_from_its_embedded_fallback(classifier):
    rasa = RasaClassifier("http://127.0.0.1:9", classifier)
    parsed = {"intent": {"name": "report_documents_held", "confidence": 0.9},
              "intent_ranking": [{"name": "report_documents_held", "confidence": 0.9}]}
    text = "paspor saya ditahan majikan"
    assert rasa.understanding(text, parsed).harm == classifier.harm_probability(text)
