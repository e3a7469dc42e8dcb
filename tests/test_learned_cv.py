"""bench/learned_cv.py: the two learned models scored alone on page-grouped folds and dev (session 7)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def learned_cv() -> ModuleType:
    """Import bench/learned_cv.py as a module."""
    spec = importlib.util.spec_from_file_location("learned_cv_under_test", ROOT / "bench" / "learned_cv.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row(kind: str, label: str, chosen: str, harm: float, label2: str | None = None) -> dict:
    """One text as the study reads it (top intent = chosen)."""
    return {"kind": kind, "label": label, "label2": label2, "top": chosen, "chosen": chosen, "harm": harm}


def test_the_figures_count_what_the_models_did() -> None:
    bench = learned_cv()
    rows = [
        row("report", "report_unpaid_wages", "report_unpaid_wages", 0.95),
        row("report+question", "report_documents_held", "ask_rights", 0.05, label2="ask_return_home"),  # lost
        row("report", "report_abuse", "report_other_problem", 0.5, label2="report_other_problem"),
        row("question", "ask_costs", "ask_costs", 0.02),
        row("question", "ask_rights", "report_documents_held", 0.85),  # a question at the report threshold
        row("question", "ask_rights", "ask_rights", 0.3),              # in the asked band
        row("other", "greet", "greet", 0.01),
    ]
    figures = bench.measures(rows)
    assert figures["texts"] == 7
    assert figures["chosen_acc"] == pytest.approx(5 / 7, abs=1e-4)  # label2 counts
    assert figures["reports_as_other"] == 1
    assert figures["report_type_acc"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["reports_below_report"] == 2 and figures["reports_below_confirm_low"] == 1
    assert figures["questions_at_report"] == 1 and figures["questions_in_band"] == 1
    assert 0.0 < figures["harm_auc"] < 1.0  # one question (0.85) outranks two reports: not a perfect ranking


def test_dev_is_scored_and_the_evaluation_part_never_read() -> None:
    source = (ROOT / "bench" / "learned_cv.py").read_text(encoding="utf-8")
    assert '"dev.yml"' in source and "eval.yml" not in source
