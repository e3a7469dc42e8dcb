"""bench/real_eval.py: the development part can be scored and inspected, the evaluation part only scored."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real"


def real_eval() -> ModuleType:
    """Import bench/real_eval.py as a module."""
    spec = importlib.util.spec_from_file_location("real_eval_under_test", ROOT / "bench" / "real_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_part_is_a_choice_and_reads_dev_yml() -> None:
    bench = real_eval()
    args = bench.build_parser().parse_args(["--part", "dev", "--show-failures"])
    assert args.part == "dev" and args.show_failures
    part, entries = bench.load_texts(REAL / "dev.yml")
    assert part == "dev" and len(entries) >= 100


def test_failures_are_shown_for_train_and_dev_but_never_for_eval(tmp_path: Path) -> None:
    bench = real_eval()
    assert bench.failures_may_be_shown("train", REAL / "train.yml")
    assert bench.failures_may_be_shown("dev", REAL / "dev.yml")
    assert bench.failures_may_be_shown("dev", tmp_path / "dev.yml")
    assert not bench.failures_may_be_shown("eval", REAL / "eval.yml")
    assert not bench.failures_may_be_shown("eval", tmp_path / "copy.yml")
    # A file that calls itself dev is still refused when it is the evaluation part's file.
    assert not bench.failures_may_be_shown("dev", REAL / "eval.yml")


def test_the_command_refuses_to_list_evaluation_failures() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "real_eval.py"), "--part", "eval", "--show-failures"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "measuring only" in done.stderr
    assert done.stdout == ""


def test_latency_times_retrieval_as_the_engine_runs_it(engine, monkeypatch, tmp_path: Path) -> None:
    from bot.conversation import questions

    bench = real_eval()
    runner = bench.Bench(tmp_path, classifier=engine.classifier)
    timed: list[str] = []
    find = questions._find
    monkeypatch.setattr(questions, "_find", lambda text, *rest: timed.append(text) or find(text, *rest))
    wall, cpu = bench.timing(runner, ["gaji sy blm dibayar 3 bln, sy harus lapor kemana?"], rounds=1)
    assert len(timed) == 1, "the engine's _find (the text, then its last clause), not retrieval's find alone"
    assert len(wall) == len(cpu) == 1


def test_the_command_refuses_per_text_records_of_the_evaluation_part() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "real_eval.py"), "--part", "eval", "--per-text",
                           "/dev/null"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "measuring only" in done.stderr
    assert done.stdout == ""


def test_thresholds_come_from_the_command_line() -> None:
    from bot.conversation import confirming
    from bot.conversation import questions

    bench = real_eval()
    saved = questions.HARM_REPORT, questions.HARM_QUESTION, confirming.CONFIRM_LOW
    try:
        args = bench.build_parser().parse_args(["--harm-report", "0.7", "--harm-question", "0.2", "--confirm-low",
                                                "0.3"])
        assert {k: v for k, v in bench.set_thresholds(args).items()
                if k in ("harm_report", "harm_question", "confirm_low")} == {"harm_report": 0.7, "harm_question": 0.2,
                                                                             "confirm_low": 0.3}
        assert (questions.HARM_REPORT, questions.HARM_QUESTION, confirming.CONFIRM_LOW) == (0.7, 0.2, 0.3)
    finally:
        questions.HARM_REPORT, questions.HARM_QUESTION, confirming.CONFIRM_LOW = saved


def test_the_writer_answers_the_confirmation_by_the_label_and_both_turns_are_scored(engine, tmp_path: Path) -> None:
    bench = real_eval()
    runner = bench.Bench(tmp_path, classifier=engine.classifier)
    unsure = "agen minta 15 juta, apa itu boleh?"  # the harm model is unsure: the bot asks whether it happened
    entries = [{"text": unsure, "kind": kind, "label": "report_fees_or_debt", "label2": "ask_costs"}
               for kind in ("report", "question", "other")]
    entries.append({"text": "sudah 3 bulan gaji saya tidak dibayar majikan", "kind": "report",
                    "label": "report_unpaid_wages"})
    results = [runner.send(e["text"], e["kind"]) for e in entries]
    assert [r["confirm"] for r in results] == [True, True, True, False]
    assert [r["second"] for r in results] == ["1", "2", None, None]
    assert [r["case"] for r in results] == [False, False, False, True], "one turn: asked is no case"
    assert [r["case2"] for r in results] == [True, False, False, True]
    figures = bench.score(entries, results)
    assert figures["reports_missed_counts"] == "1/2" and figures["two_turn"]["reports_missed_counts"] == "0/2"
    assert figures["questions_opening_case_counts"] == "0/1"
    assert figures["two_turn"]["questions_opening_case_counts"] == "0/1"
    assert figures["confirm_asked_counts"] == {"all": "3/4", "reports": "1/2", "questions": "1/1", "other": "1/1"}
    records = bench.per_text(entries, results)
    assert records[0]["confirm"] and records[0]["case2"] and 0 < records[0]["harm"] < 1
