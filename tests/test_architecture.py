"""The layers written in pyproject.toml hold, and lint-imports fails when a module breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))
GUIDE_LINES = 450  # the guide is ~400 lines (one screenful of concerns); past 450 a module must say why


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the tree at `tree` (its own pyproject.toml and packages)."""
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=tree, capture_output=True, text=True,
                          env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(tree)})


def _copy_tree(tmp_path: Path) -> Path:
    """Copy the packages and pyproject.toml the contracts read into `tmp_path`."""
    for name in ("bot", "commands", "dashboard"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_its_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("bot/understanding/intents.py", "from bot.conversation import engine  # noqa", "Layers"),
    ("bot/cases/records.py", "from bot.officers import alerts  # noqa", "Layers"),
    ("bot/store.py", "from bot.cases import records  # noqa", "Layers"),
    ("bot/knowledge/answers.py", "import flask  # noqa", "never imports Flask"),
    ("bot/officers/alerts.py", "from twilio.rest import Client  # noqa", "knows a messaging provider"),
])
def test_a_deliberate_violation_breaks_a_contract(tmp_path, module, line, contract):
    tree = _copy_tree(tmp_path)
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout


def test_no_module_is_past_the_guide_without_a_reason():
    """A module well past the guide (~400 lines) says at its top why it is one module."""
    long = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > GUIDE_LINES and "One module on purpose:" not in text[:2000]:
            long.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not long, "split these or say why at the top ('One module on purpose: ...'): " + ", ".join(long)


def test_every_package_says_what_it_owns():
    for init in sorted((ROOT / "bot").rglob("__init__.py")):
        doc = init.read_text(encoding="utf-8").strip()
        assert doc.startswith('"""') and "import" in doc, f"{init.relative_to(ROOT)}: say what it owns and may import"
