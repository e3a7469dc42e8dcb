"""Scoring on the real-language corpus, and copying its training part into intents/real.yml."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.understanding.nlu import INTENTS_DIR
from bot.understanding.real_corpus import REAL_INTENTS_FILE
from bot.understanding.real_corpus import read_corpus
from bot.understanding.real_corpus import score
from bot.understanding.training_data import load_training_data

CORPUS = """\
part: train
texts:
- text: "paspor sy dipegang bos sejak masuk"
  label: report_documents_held
  kind: report
- text: "beta pung ade su 5 bulan sonde kasi kabar, dia bilang mau pulang"
  label: report_missing_contact
  label2: ask_return_home
  kind: report+question
- text: "apakah boleh majikan menahan paspor?"
  label: ask_rights
  kind: question
  expect: [[paspor, passport], [tidak boleh, dilarang]]
- text: "jadi pembantu di hongkong gaji dipotong brp bulan?"
  label: ask_costs
  label2: report_fees_or_debt
  kind: question
- text: "makasih kak"
  label: thanks_goodbye
  kind: other
"""


def write_corpus(tmp_path: Path, name: str = "train.yml") -> Path:
    path = tmp_path / name
    path.write_text(CORPUS, encoding="utf-8")
    return path


def test_corpus_fields_are_read(tmp_path: Path) -> None:
    texts = read_corpus(write_corpus(tmp_path))
    assert [t.label for t in texts] == ["report_documents_held", "report_missing_contact", "ask_rights",
                                        "ask_costs", "thanks_goodbye"]
    assert texts[1].labels == ("report_missing_contact", "ask_return_home")
    assert texts[2].expect == (("paspor", "passport"), ("tidak boleh", "dilarang"))
    assert [t.is_report for t in texts] == [True, True, False, False, False]
    assert [t.is_question for t in texts] == [False, False, True, True, False]


def test_scores_count_second_labels_missed_reports_and_questions_that_open_cases(tmp_path: Path) -> None:
    texts = read_corpus(write_corpus(tmp_path))
    predicted = ["report_unpaid_wages", "ask_return_home", "report_documents_held", "report_fees_or_debt",
                 "thanks_goodbye"]
    result = score(texts, predicted, [False, False, True, False, False])
    assert result["topic_accuracy"] == 0.6          # second labels count; a report of another kind does not
    assert (result["reports_missed"], result["reports"]) == (1, 2)   # the report taken for ask_return_home
    assert result["questions_as_report"] == 2
    assert result["questions_opening_a_case"] == 1  # the low-confidence one asks before opening a case
    assert result["questions_opening_a_case_no_report_label"] == 0
    assert {e["predicted"] for e in result["errors"]} == {"report_unpaid_wages", "report_documents_held"}


def test_import_real_copies_the_training_part_and_refuses_the_evaluation_part(app, tmp_path: Path) -> None:
    intents = tmp_path / "intents"
    shutil.copytree(INTENTS_DIR, intents)
    (intents / REAL_INTENTS_FILE).unlink(missing_ok=True)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["nlu", "import-real", "--corpus", str(write_corpus(tmp_path)),
                                 "--intents", str(intents)])
    assert result.exit_code == 0, result.output
    copied = [ex for ex in load_training_data(intents).examples if ex.source == REAL_INTENTS_FILE]
    assert [(ex.intent, ex.text) for ex in copied][:2] == [
        ("ask_costs", "jadi pembantu di hongkong gaji dipotong brp bulan?"),
        ("ask_rights", "apakah boleh majikan menahan paspor?"),
    ]
    assert len(copied) == 5
    refused = runner.invoke(args=["nlu", "import-real", "--corpus", str(write_corpus(tmp_path, "eval.yml")),
                                  "--intents", str(intents)])
    assert refused.exit_code != 0
    assert "never trained on" in refused.output
    refused_dev = runner.invoke(args=["nlu", "import-real", "--corpus", str(write_corpus(tmp_path, "dev.yml")),
                                      "--intents", str(intents)])
    assert refused_dev.exit_code != 0
    assert "development part is never trained on" in refused_dev.output
