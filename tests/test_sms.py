"""GSM-7 detection, segment counting, plain-text conversion and splitting."""

from __future__ import annotations

import pytest

from bot import sms


@pytest.mark.parametrize(
    "text, encoding, segments",
    [
        ("", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("a" * 459, "GSM-7", 3),
        ("[" * 80, "GSM-7", 1),  # extension characters take two septets
        ("[" * 81, "GSM-7", 2),
        ("Gaji belum dibayar \u2019", "UCS-2", 1),
        ("x" * 70 + "\u00e7" * 0 + "\u2013", "UCS-2", 2),
        ("\U0001F600" * 35, "UCS-2", 1),  # an emoji is two UTF-16 units
        ("\U0001F600" * 36, "UCS-2", 2),
    ],
)
def test_measure(text, encoding, segments):
    result = sms.measure(text)
    assert (result.name, result.segments) == (encoding, segments)


def test_to_gsm7_replaces_typography_and_drops_emoji():
    text = "\u201cJangan bayar\u201d \u2013 simpan paspor Anda\u2026 \U0001F64F caf\u00e9 na\u00efve \u2022 ok"
    plain = sms.to_gsm7(text)
    assert plain == '"Jangan bayar" - simpan paspor Anda... caf\u00e9 naive - ok'
    assert sms.is_gsm7(plain)


def test_to_gsm7_keeps_right_to_left_text_out():
    assert sms.is_gsm7(sms.to_gsm7("\u0645\u0631\u062d\u0628\u0627 halo"))


def test_fit_splits_on_lines_and_words_within_budget():
    text = "\n".join(f"Baris nomor {i} berisi informasi penting untuk pekerja migran." for i in range(30))
    parts = sms.fit(text, 3)
    assert len(parts) > 1
    assert all(sms.measure(p).segments <= 3 for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_fit_cuts_one_enormous_word():
    parts = sms.fit("x" * 2000, 1)
    assert all(sms.measure(p).length <= 160 for p in parts)
