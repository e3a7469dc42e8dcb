"""Benchmark the P3MI registry: import and lookup speed at 10,000 rows, and match quality on the demo sample.

    .venv/bin/python bench/recruiters_bench.py [--rows 10000] [--seed 7]

Floors: import of 10,000 rows <= 5 s; lookup p50 <= 5 ms; >= 95 % correct top result on misspelt,
abbreviated and re-ordered names; 0 exact matches on near-miss names that are not in the registry.
Exits non-zero when a floor is missed.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.recruiters import matching  # noqa: E402
from bot.recruiters import names  # noqa: E402
from bot.recruiters import registry as p3mi  # noqa: E402
from bot.recruiters import registry_file  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store import open_db  # noqa: E402

SYLLABLES = ("ba ka ma na ra sa ta la da ga ja wa pa ri mi ni si ti li di gi ju mu nu ru su tu "
             "lu du bo ko mo no ro so to lo do go wo ke me ne re se te le de ge an ar en in un").split()
COMMON = sorted(names.COMMON_WORDS - names.CITY_WORDS - {"cv", "ud", "yayasan", "koperasi", "lpk",
                                                                    "firma", "fa", "agen", "agency", "dan"})
CITIES = ("Jakarta Selatan", "Jakarta Timur", "Kupang", "Surabaya", "Denpasar", "Medan", "Batam", "Malang")
TODAY = date(2026, 1, 15)


def fictional_word(rng: random.Random) -> str:
    """Return an invented word of two or three syllables."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3)))).capitalize()


def write_registry(path: Path, rows: int, rng: random.Random) -> list[str]:
    """Write a fictional registry of `rows` companies to `path` and return their names."""
    names: list[str] = []
    seen: set[str] = set()
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(p3mi.FIELDS)
        while len(names) < rows:
            words = [fictional_word(rng) if rng.random() < 0.6 else rng.choice(COMMON).capitalize()
                     for _ in range(rng.choice((2, 3, 3, 4)))]
            name = "PT " + " ".join(words)
            key = names.normalise_name(name)
            if key in seen:
                continue
            seen.add(key)
            n = len(names) + 1
            writer.writerow([
                name, f"{n:05d}/SIP3MI/{2020 + n % 6}", f"{2020 + n % 6}-03-01", f"{2025 + n % 6}-03-01",
                rng.choice(("aktif",) * 8 + ("dibekukan", "dicabut")), rng.choice(CITIES),
                ";".join(rng.sample(("Atambua", "Ruteng", "Maumere", "Ende", "Kalabahi"), 2)),
                "Malaysia;Hong Kong", f"021-{n:07d}",
            ])
            names.append(name)
    return names


def misspell(word: str, rng: random.Random) -> str:
    """Return `word` with one typing error: a letter dropped, swapped, replaced or doubled."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "swap", "replace", "double"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "replace":
        return word[:i] + rng.choice("aeiouklmnrst") + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def time_lookups(db, queries: list[str]) -> tuple[float, float]:
    """Return the p50 and p99 lookup time in milliseconds."""
    times = []
    for q in queries:
        start = time.perf_counter()
        matching.lookup(db, q, today=TODAY)
        times.append((time.perf_counter() - start) * 1000)
    return percentile(times, 50), percentile(times, 99)


def speed(rows: int, rng: random.Random, workdir: Path) -> dict[str, float]:
    """Import a generated registry and time exact, typo and not-found lookups."""
    path = workdir / "registry.csv"
    names = write_registry(path, rows, rng)
    db = open_db(workdir / "speed.db")
    migrate(db)
    start = time.perf_counter()
    registry_file.import_registry(db, path, as_of=TODAY, today=TODAY)
    imported = time.perf_counter() - start
    start = time.perf_counter()
    matching.lookup(db, "warm up", today=TODAY)
    index_build = time.perf_counter() - start
    sample = rng.sample(names, 300)
    typos = []
    for name in sample:
        words = name.split()
        k = max(range(1, len(words)), key=lambda j: len(words[j]))
        words[k] = misspell(words[k], rng) if len(words[k]) >= 4 else words[k]
        typos.append(" ".join(words))
    absent = [f"PT {fictional_word(rng)} {fictional_word(rng)} {fictional_word(rng)}" for _ in range(300)]
    figures = {"rows": rows, "import_s": imported, "index_build_s": index_build}
    for label, queries in (("exact", sample), ("typo", typos), ("none", absent)):
        p50, p99 = time_lookups(db, queries)
        figures[f"{label}_p50_ms"] = p50
        figures[f"{label}_p99_ms"] = p99
    db.close()
    return figures


def variants(name: str, rng: random.Random) -> list[tuple[str, str]]:
    """Return (kind, query) pairs a person might type for `name`: misspelt, abbreviated, re-ordered."""
    words = name.split()[1:]  # without "PT"
    out: list[tuple[str, str]] = []
    long_words = [i for i, w in enumerate(words) if len(w) >= 5]
    if long_words:
        typo = list(words)
        i = rng.choice(long_words)
        typo[i] = misspell(typo[i], rng)
        out.append(("misspelt", "PT " + " ".join(typo)))
        lower = [w.lower() for w in words]
        j = rng.choice(long_words)
        lower[j] = misspell(lower[j], rng)
        out.append(("misspelt", "pt " + " ".join(lower)))
    abbreviated = [("Intl" if w == "Internasional" else w) for w in words]
    if len(words) >= 2:
        k = max(range(len(words)), key=lambda i: len(words[i]))
        if len(abbreviated[k]) >= 6 and abbreviated[k] != "Intl":
            abbreviated[k] = abbreviated[k][:4] + "."
    out.append(("abbreviated", "P.T. " + " ".join(abbreviated)))
    if len(words) >= 2:
        reordered = list(words)
        while reordered == words:
            rng.shuffle(reordered)
        out.append(("re-ordered", " ".join(reordered)))
    return out


def near_misses(name: str, registry: set[str], vocabulary: list[str], rng: random.Random) -> list[str]:
    """Return names one real word away from `name` that are not in the registry."""
    words = name.split()[1:]
    out = []
    replaced = list(words)
    i = rng.randrange(len(words))
    replaced[i] = rng.choice([w for w in vocabulary if w.lower() != words[i].lower()]).capitalize()
    out.append("PT " + " ".join(replaced))
    out.append("PT " + " ".join([*words, rng.choice(["Jaya", "Sejahtera", "Mandiri", "Abadi", "Utama"])]))
    inserted = list(words)
    inserted.insert(1, rng.choice(["Indah", "Raya", "Mulia", "Karya", "Bersama"]))
    out.append("PT " + " ".join(inserted))
    if len(words) >= 3:
        out.append("PT " + " ".join(words[:i] + words[i + 1:]))
    return [q for q in out if names.normalise_name(q) not in registry]


def quality(rng: random.Random, workdir: Path) -> dict[str, object]:
    """Measure top-result accuracy on generated variants and exact matches on near-miss names (demo sample)."""
    db = open_db(workdir / "quality.db")
    migrate(db)
    registry_file.import_demo(db, today=TODAY)
    companies = p3mi.list_companies(db, today=TODAY)
    registry = {names.normalise_name(c.name) for c in companies}
    vocabulary = sorted({w for c in companies for w in c.name.split()[1:]})
    by_kind: dict[str, list[int]] = {}
    failures: list[str] = []
    for company in companies:
        for kind, query in variants(company.name, rng):
            result = matching.lookup(db, query, today=TODAY)
            top = result.company or (result.candidates[0] if result.candidates else None)
            ok = top is not None and top.id == company.id
            by_kind.setdefault(kind, []).append(int(ok))
            if not ok:
                failures.append(f"{kind}: {query!r} -> {result.match} {top.name if top else None} (want {company.name})")
    exact = probable = total_near = 0
    leaks = []
    for company in companies:
        for query in near_misses(company.name, registry, vocabulary, rng):
            total_near += 1
            result = matching.lookup(db, query, today=TODAY)
            if result.match == matching.EXACT:
                exact += 1
                leaks.append(f"{query!r} -> EXACT {result.company.name if result.company else ''}")
            elif result.match == matching.PROBABLE:
                probable += 1
    db.close()
    total = sum(len(v) for v in by_kind.values())
    correct = sum(sum(v) for v in by_kind.values())
    return {
        "variants": total,
        "correct_pct": 100 * correct / total,
        "by_kind": {k: (sum(v), len(v)) for k, v in by_kind.items()},
        "failures": failures,
        "near_miss": total_near,
        "near_miss_exact": exact,
        "near_miss_probable": probable,
        "leaks": leaks,
    }


def main() -> int:
    """Run both measurements, print the figures and check the floors."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        s = speed(args.rows, rng, workdir)
        q = quality(rng, workdir)
    print(f"registry rows           {s['rows']}")
    print(f"import                  {s['import_s']:.2f} s   (floor 5 s)")
    print(f"index build (1st look)  {s['index_build_s'] * 1000:.0f} ms (once per import per process)")
    for label in ("exact", "typo", "none"):
        print(f"lookup {label:6}           p50 {s[f'{label}_p50_ms']:.2f} ms  p99 {s[f'{label}_p99_ms']:.2f} ms"
              + ("   (floor p50 5 ms)" if label == "exact" else ""))
    print(f"quality (demo sample)   {q['correct_pct']:.1f} % correct top result on {q['variants']} variants "
          f"(floor 95 %)")
    for kind, (ok, n) in q["by_kind"].items():  # type: ignore[union-attr]
        print(f"  {kind:12}          {ok}/{n}")
    print(f"near-miss names         {q['near_miss_exact']} exact matches of {q['near_miss']} (floor 0); "
          f"{q['near_miss_probable']} offered as 'did you mean', the rest as candidates or none")
    if args.show_failures:
        for line in q["failures"]:  # type: ignore[union-attr]
            print("  miss:", line)
    for line in q["leaks"]:  # type: ignore[union-attr]
        print("  LEAK:", line)
    p50 = max(s["exact_p50_ms"], s["typo_p50_ms"], s["none_p50_ms"])
    ok = s["import_s"] <= 5 and p50 <= 5 and q["correct_pct"] >= 95 and q["near_miss_exact"] == 0
    print("floors:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
