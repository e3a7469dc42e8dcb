"""knowledge/real_questions.yml: the training texts that ask, as example questions of the fact that answers them."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot import i18n
from bot.knowledge import real_questions
from bot.knowledge import retrieval
from bot.knowledge.fact_answers import FACT_ANSWERS
from bot.understanding.nlu import INTENTS_DIR
from bot.understanding.real_corpus import REAL_DEV
from bot.understanding.real_corpus import REAL_TRAIN
from bot.understanding.real_corpus import plain
from commands.nlu import real_intents
from commands.nlu import real_question_examples

ROOT = Path(__file__).resolve().parent.parent
SOURCE = str(REAL_TRAIN.relative_to(ROOT))


class Ranking:
    """A ranker that ranks the facts in a fixed order (the one choose must follow)."""

    def __init__(self, order: list[str]) -> None:
        self.order = order + [fact for fact in FACT_ANSWERS if fact not in order]

    def rank(self, text: str, size: int = 3, exclude: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
        return [(fact, 0.0) for fact in self.order[:size]]


def test_the_generated_file_is_current() -> None:
    chosen, _ = real_question_examples(REAL_TRAIN)
    expected = real_questions.real_questions_yaml(chosen, SOURCE)
    assert real_questions.REAL_QUESTIONS_PATH.read_text(encoding="utf-8") == expected, \
        "run `flask --app webhook nlu import-real`"


def test_the_generated_intents_are_current() -> None:
    """intents/real.yml, the other file `import-real` writes from train.yml, is current too."""
    text, _ = real_intents(REAL_TRAIN, INTENTS_DIR)
    assert (INTENTS_DIR / "real.yml").read_text(encoding="utf-8") == text, "run `flask --app webhook nlu import-real`"


def test_every_example_is_answered_by_its_fact_and_names_its_page() -> None:
    data = yaml.safe_load(real_questions.REAL_QUESTIONS_PATH.read_text(encoding="utf-8"))["questions"]
    train = {" ".join(str(e["text"]).split()): e for e in yaml.safe_load(REAL_TRAIN.read_text("utf-8"))["texts"]}
    assert sum(len(items) for items in data.values()) >= 500
    for fact, items in data.items():
        assert fact in FACT_ANSWERS
        for item in items:
            entry = train[item["text"]]
            assert item["source_url"] == entry["source_url"]
            answers = [i18n.render(locale, FACT_ANSWERS[fact]) for locale in i18n.LOCALES]
            assert any(real_questions.holds_expected(answer, entry["expect"]) for answer in answers)


def test_no_development_text_is_an_example_question() -> None:
    dev = {plain(str(e["text"])) for e in yaml.safe_load(REAL_DEV.read_text(encoding="utf-8"))["texts"]}
    assert not {plain(text) for text, _ in real_questions.read_real_questions()} & dev


def test_the_best_ranked_fact_among_those_that_answer_is_chosen() -> None:
    entries = [
        {"text": "apakah majikan boleh tahan paspor?", "kind": "question", "expect": [["paspor", "passport"]],
         "source_url": "https://example.com/a"},
        {"text": "berapa gaji di taiwan?", "kind": "question", "expect": [["zzznotaword"]]},
        {"text": "paspor sy ditahan", "kind": "report", "expect": [["paspor"]]},
        {"text": "boleh tahan paspor?", "kind": "question"},
    ]
    holding = real_questions.answering_facts([["paspor", "passport"]], "id")
    assert "right_hold_travel_documents" in holding and len(holding) > 1
    ranker = Ranking(["missions_in_malaysia", holding[-1], holding[0]])
    assert real_questions.choose(entries, ranker) == [(holding[-1], entries[0]["text"], "https://example.com/a")]
    assert real_questions.unanswered(entries) == [entries[1]]


def test_retrieval_learns_from_the_real_questions() -> None:
    examples = retrieval.training_examples()
    text = "qwerty asdfgh zxcvbn"  # words no example question or answer holds
    real = [(f"{text} {n}", "right_hold_travel_documents") for n in range(3)]
    plain_retriever = retrieval.Retriever.train(examples)
    taught = retrieval.Retriever.train(examples, real=real, real_weight=1.0)
    assert retrieval.Retriever.train(examples, real=real, real_weight=0.0).rank(text)[0][0] != \
        "right_hold_travel_documents", "a weight of 0 leaves the real texts out"
    assert plain_retriever.rank(text)[0][0] != "right_hold_travel_documents"
    assert taught.rank(text)[0][0] == "right_hold_travel_documents"


def test_the_default_retriever_learns_from_the_real_questions_only_when_they_weigh(monkeypatch) -> None:
    assert len(retrieval.real_examples()) == len(real_questions.read_real_questions()) >= 500
    without = set(retrieval.Retriever.train(retrieval.training_examples()).vocabularies[0])
    assert real_questions.WEIGHT == 1.0 and retrieval.C == 2.0, "on by default (docs/nlu.md, Session 8)"
    assert set(retrieval.default_retriever().vocabularies[0]) > without, "the real texts' words are learnt too"
    monkeypatch.setattr(real_questions, "WEIGHT", 0.0)
    left_out = retrieval.Retriever.train(retrieval.training_examples(), real=retrieval.real_examples())
    assert set(left_out.vocabularies[0]) == without, "a weight of 0 leaves them out"


def test_import_real_writes_the_example_questions_beside_the_intents(app, tmp_path: Path) -> None:
    intents = tmp_path / "intents"
    shutil.copytree(INTENTS_DIR, intents)
    corpus = tmp_path / "train.yml"
    corpus.write_text(yaml.safe_dump({"part": "train", "texts": [
        {"text": "apakah majikan boleh tahan paspor sy?", "label": "ask_rights", "kind": "question",
         "expect": [["paspor", "passport"], ["pekerja", "worker"]], "source_url": "https://example.com/a"},
        {"text": "gaji sy belum dibayar", "label": "report_unpaid_wages", "kind": "report"},
    ]}), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["nlu", "import-real", "--corpus", str(corpus),
                                                "--intents", str(intents)])
    assert result.exit_code == 0, result.output
    written = real_questions.read_real_questions(tmp_path / "knowledge" / "real_questions.yml")
    assert [text for text, _ in written] == ["apakah majikan boleh tahan paspor sy?"]
    assert written[0][1] in real_questions.answering_facts([["paspor", "passport"], ["pekerja", "worker"]], "id")


def test_a_fact_of_the_texts_own_topic_is_preferred() -> None:
    entry = {"text": "apakah majikan boleh tahan paspor?", "kind": "question", "label": "ask_rights",
             "expect": [["paspor", "passport"]], "source_url": "https://example.com/a"}
    holding = real_questions.answering_facts(entry["expect"], "id")
    on_topic = [fact for fact in holding if "ask_rights" in retrieval.fact_topics(fact)]
    off_topic = [fact for fact in holding if fact not in on_topic]
    assert on_topic and off_topic
    ranker = Ranking([off_topic[0], on_topic[-1]])
    assert real_questions.choose([entry], ranker)[0][0] == off_topic[0]
    assert real_questions.choose([entry], ranker, retrieval.fact_topics)[0][0] == on_topic[-1]



class Probabilities:
    """A ranker with fixed probabilities (the rest share nothing)."""

    def __init__(self, probabilities: dict[str, float]) -> None:
        self.probabilities = probabilities

    def rank(self, text: str, size: int = 3, exclude: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
        ranked = sorted(FACT_ANSWERS, key=lambda fact: -self.probabilities.get(fact, 0.0))
        return [(fact, self.probabilities.get(fact, 0.0)) for fact in ranked[:size]]


def test_an_ambiguous_choice_leaves_the_text_out() -> None:
    entry = {"text": "apakah majikan boleh tahan paspor?", "kind": "question", "label": "ask_rights",
             "expect": [["paspor", "passport"]], "source_url": "https://example.com/a"}
    facts, _ = real_questions.candidates(entry)
    first, second = sorted(facts)[:2]
    clear = Probabilities({first: 0.6, second: 0.1})
    assert real_questions.choose_one(entry, clear, ambiguous=0.5) == first
    close = Probabilities({first: 0.4, second: 0.3})
    assert real_questions.choose_one(entry, close, ambiguous=0.5) is None
    assert real_questions.choose_one(entry, close, ambiguous=0.0) == first


def test_a_text_whose_label_and_ranker_disagree_is_left_out() -> None:
    entry = {"text": "bikin paspor di kbri brp ringgit?", "kind": "question", "label": "ask_costs",
             "label2": "ask_warning_signs", "expect": [["kbri", "resmi", "perwakilan"]], "source_url": "https://example.com/b"}
    facts, on_topic = real_questions.candidates(entry, retrieval.fact_topics)
    assert "passport_renewal_abroad" in facts - on_topic and "immigration_checks_nonprocedural" in on_topic
    ranker = Probabilities({"passport_renewal_abroad": 0.48, "immigration_checks_nonprocedural": 0.02})
    assert real_questions.choose_one(entry, ranker, retrieval.fact_topics, ambiguous=0.5) is None
    assert real_questions.choose_one(entry, ranker, retrieval.fact_topics) == "immigration_checks_nonprocedural"


def test_each_text_is_chosen_by_a_retriever_that_never_saw_it() -> None:
    entries = [{"text": f"apakah majikan boleh tahan paspor {n}?", "kind": "question", "label": "ask_rights",
                "expect": [["paspor", "passport"]], "source_url": f"https://example.com/{n}"} for n in range(20)]
    seen: list[set[str]] = []

    class Remembering(Ranking):
        def __init__(self, examples: list[tuple[str, str]]) -> None:
            super().__init__([])
            self.texts = {text for text, _ in examples}
            seen.append(self.texts)

        def rank(self, text: str, size: int = 3, exclude: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
            assert text not in self.texts, "ranked by a retriever that learnt from it"
            return super().rank(text, size, exclude)

    chosen = real_questions.choose_learnt(entries, Ranking([]), Remembering, retrieval.fact_topics, folds=5,
                                          ambiguous=0.0)
    assert len(chosen) == len(entries) and len(seen) == 5
    assert all(seen), "every fold learnt from the others"
