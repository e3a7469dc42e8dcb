"""The digest names its window and ends it when it is written, so no case falls between two digests."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from bot.officers import alerts
from bot.officers.sealing import unseal
from tests.conftest import rows
from tests.test_officers import add
from tests.test_officers import report
from tests.test_officers import stores_of

# Friday 27 November 2026 07:00 in Asia/Makassar (UTC+8), the digest hour.
SEVEN = datetime(2026, 11, 26, 23, 0, tzinfo=timezone.utc)


@pytest.fixture
def config(config, provider_api):
    """The digest at 07:00 local."""
    return {**config, "TWILIO_API_BASE": provider_api.url, "WHATSAPP_API_BASE": provider_api.url, "DIGEST_HOUR": 7}


def _digests(s, db_path):
    return [unseal(s.vault, r["text_enc"], "messages.text_enc") for r in rows(db_path, "select text_enc from messages where kind = 'digest' "
                                                                 "order by id")]


def test_a_case_opened_after_the_digest_hour_is_in_the_digest_written_later(app, db_path):
    s = stores_of(app)
    add(s, "Maria Bere", "+6281234567890", "kabupaten", "Belu")
    case = report(s, kabupaten="Belu", now=SEVEN + timedelta(minutes=20), alert=None)  # 07:20
    assert alerts.run_digests(s.db, s.vault, s.settings, SEVEN + timedelta(minutes=25)) == 1  # the worker at 07:25
    [first] = _digests(s, db_path)
    assert "Kasus baru sejak 26 Nov 07.25: 1 (darurat 1)" in first and "Tidak ada kasus baru" not in first
    # The next day's window starts where this one ended: the same case is not "new" twice.
    assert alerts.run_digests(s.db, s.vault, s.settings, SEVEN + timedelta(days=1)) == 1
    second = _digests(s, db_path)[1]
    assert "Tidak ada kasus baru sejak 27 Nov 07.25." in second
    assert case.ref in second  # but it is overdue (a 2-hour deadline), and says so
