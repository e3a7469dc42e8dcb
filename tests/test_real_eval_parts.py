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
