"""Time the officers' access rule over a store of 20,000 cases: KASUS listings and counts per kind of officer.

    .venv/bin/python bench/access_bench.py [--cases 20000] [--runs 50]

Builds a temporary store (migrated, real SQLite file in WAL mode), 20,000 cases over the 22 kabupaten with
desa, woman-officer wishes and sensitive flags, then times `access.visible_cases` (first page of 50) and
`access.count_visible` for a desa officer, a kabupaten officer (man and woman) and the provincial desk.
Prints p50 and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.officers import access  # noqa: E402
from bot.officers.registry import Officer  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store import open_db  # noqa: E402

KABUPATEN = ["Belu", "Malaka", "Timor Tengah Utara", "Timor Tengah Selatan", "Kupang", "Kota Kupang", "Alor",
             "Lembata", "Flores Timur", "Sikka", "Ende", "Nagekeo", "Ngada", "Manggarai Timur", "Manggarai",
             "Manggarai Barat", "Sumba Timur", "Sumba Tengah", "Sumba Barat", "Sumba Barat Daya", "Rote Ndao",
             "Sabu Raijua"]
PRIORITIES = ["darurat", "tinggi", "sedang", "rendah"]


def build(path: Path, count: int) -> None:
    """Fill a new store with `count` cases."""
    db = open_db(path)
    migrate(db)
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    rows = []
    for i in range(count):
        created = (start + timedelta(minutes=37 * i)).isoformat(timespec="seconds")
        rows.append((f"ADU-B{i:05d}", rng.choice(["abuse", "unpaid_wages", "fees_or_debt", "documents_held"]),
                     rng.choices(["open", "assigned", "closed"], [3, 2, 5])[0], rng.choice(PRIORITIES),
                     int(rng.random() < 0.1), rng.choice(KABUPATEN), rng.choice(["Fatuketi", "Kabuna", None]),
                     1 if rng.random() < 0.15 else None, created, created))
    with db.conn:
        db.conn.executemany("insert into cases (ref, category, status, priority, sensitive, kabupaten, desa, "
                            "prefers_woman_officer, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?)", rows)
    db.close()


def timed(fn, runs: int) -> tuple[float, float]:
    """Return p50 and p95 of `fn` in milliseconds."""
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    """Build the store and print the timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        build(path, args.cases)
        db = open_db(path)
        officers = {
            "desa officer (man)": Officer(1, "d", "desa", "Belu", "Fatuketi", "m", "id", "sms", 1, True),
            "kabupaten officer (man)": Officer(2, "k", "kabupaten", "Belu", None, "m", "id", "sms", 2, True),
            "kabupaten officer (woman)": Officer(3, "k", "kabupaten", "Belu", None, "f", "id", "sms", 3, True),
            "provincial desk (man)": Officer(4, "p", "provinsi", None, None, "m", "id", "sms", 4, True),
            "provincial desk (woman)": Officer(5, "p", "provinsi", None, None, "f", "id", "sms", 5, True),
        }
        print(f"{args.cases} cases, {args.runs} runs each (ms)")
        for name, officer in officers.items():
            page = timed(lambda: access.visible_cases(db, officer), args.runs)
            every = timed(lambda: access.visible_cases(db, officer, status=None, limit=50, offset=500), args.runs)
            count = timed(lambda: access.count_visible(db, officer), args.runs)
            print(f"{name:28} open page p50 {page[0]:6.2f} p95 {page[1]:6.2f} | all statuses page 11 p50 "
                  f"{every[0]:6.2f} p95 {every[1]:6.2f} | count p50 {count[0]:6.2f} p95 {count[1]:6.2f}")
        db.close()


if __name__ == "__main__":
    main()
