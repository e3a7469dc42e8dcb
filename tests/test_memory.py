"""Memory freed after training goes back to the OS: a worker that trained its model is not 100 MB larger for it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot import memory
from bot.understanding import nlu

ROOT = Path(__file__).resolve().parent.parent


def test_freed_heap_pages_go_back_to_the_os() -> None:
    """Objects freed in the middle of the heap stay resident until release_freed_memory hands their pages back."""
    if memory._libc() is None:
        pytest.skip("no C library found")
    script = textwrap.dedent("""
        import resource, sys
        sys.path.insert(0, sys.argv[1])
        from bot.memory import release_freed_memory
        def rss():
            return int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize() / 2**20
        blocks = [bytes(3000) + bytes([i % 256]) for i in range(40_000)]   # ~120 MB on the malloc heap
        keep = bytes(3000) + b'x'                                          # above them: no trim at the top
        del blocks
        before = rss()
        ran = release_freed_memory()
        print(ran, round(before - rss()))
    """)
    out = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, check=True)
    ran, released = out.stdout.split()
    if ran != "True":
        pytest.skip("not glibc: malloc_trim is not there")
    assert int(released) > 60, out.stdout


def test_a_model_trained_at_start_up_hands_training_memory_back(tmp_path: Path, monkeypatch) -> None:
    """Loading without a cache trains, writes the cache and then releases training's freed memory."""
    calls = []
    monkeypatch.setattr(nlu, "release_freed_memory", lambda: calls.append(1) or True)
    intents = tmp_path / "intents"
    intents.mkdir()
    examples = {
        "greet": ["halo", "selamat pagi", "hai kak", "pagi bu", "halo admin", "hi", "assalamualaikum", "permisi"],
        "ask_costs": ["berapa biayanya", "biaya ke malaysia brp", "harus bayar berapa", "ongkos berangkat berapa",
                      "how much is the fee", "apakah gratis", "siapa yang bayar tiket", "biaya paspor berapa"],
        "report_unpaid_wages": ["gaji saya belum dibayar", "sudah 3 bulan tidak digaji", "majikan tidak bayar gaji",
                                "gaji sy ditahan", "my salary is not paid", "upah saya dipotong habis",
                                "gaji tdk dikasih", "bos belum bayar gaji kami"],
    }
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in examples.items():
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {t}" for t in texts]
    (intents / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    nlu.EmbeddedClassifier.load(intents, tmp_path / "cache")
    assert calls == [1]
    nlu.EmbeddedClassifier.load(intents, tmp_path / "cache")  # from the cache: nothing was trained, nothing to give
    assert calls == [1]
