"""Issue 15: the goodbye gives the emergency numbers for where the person is, like every other safety text.

Transcripts from a Malaysian (+60) and an Indonesian (+62) SMS number; every reply GSM-7 within 3 segments.
"""

from __future__ import annotations

import pytest

from tests.test_intake import person
from tests.conftest import states_number

MY = "+60123456789"
ID = "+6281234567890"


@pytest.mark.parametrize("text", ["terima kasih", "oke makasih kak"])
def test_goodbye_from_malaysia_gives_999_not_110(engine, text):
    [reply] = person(engine, "sms", "id", MY).send(text)
    assert reply.startswith("Terima kasih sudah menghubungi Teman Migran")
    assert "999" in reply and "+60 17-668 8032" in reply and "+62 21 2924 4800" in reply
    assert not states_number(reply, "110") and "0800-1000" not in reply


def test_goodbye_from_an_indonesian_number_gives_both_and_names_the_place(engine):
    [reply] = person(engine, "sms", "id", ID).send("terima kasih")
    assert "Di Indonesia telepon polisi 110" in reply and "Malaysia: 999" in reply
    assert "0800-1000" in reply and "+62 21 2924 4800" in reply


def test_goodbye_naming_malaysia_from_an_indonesian_number(engine):
    [reply] = person(engine, "sms", "id", ID).send("terima kasih, sy di malaysia")
    assert "999" in reply and not states_number(reply, "110")


@pytest.mark.parametrize("sender", [MY, ID])
def test_goodbye_in_english(engine, sender):
    user = person(engine, "sms", "en", sender)
    [reply] = user.send("thank you")
    assert reply.startswith("Thank you for contacting Teman Migran") and "In danger:" in reply
    assert ("110" in reply) is (sender == ID)
