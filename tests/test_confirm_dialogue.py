"""When the decision is unsure, the bot answers and asks "did this happen to you?": 1 opens the case, 2 does not."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from bot import sms
from bot.cases import records as cases
from bot.conversation import confirming
from bot.conversation import questions
from bot.conversation.engine import Engine
from bot.messages import Inbound
from bot.store import fetch
from tests.conftest import FittingConversation
from tests.conftest import assert_dialog
from tests.test_questions_dialogue import open_store  # noqa: F401 (the store fixture)
from tests.test_questions_dialogue import opened

START = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
# Messages that ask about a problem, which the harm model puts in the unsure band: "the agent asks 15 million, is that
# allowed?", "my employer makes me sleep on the floor, is it ok?".
UNSURE_ID = "agen minta 15 juta, apa itu boleh?"
# Retrained on the seventh pass (more English reports that ask), "my employer makes me sleep on the floor, is it ok?"
# opens a case at once (P(harm) 0.84): by the labelling rule it is a report with a question. A friend's case is unsure.
UNSURE_EN = "my friend's boss makes her sleep on the floor, is it ok?"
ASK_ID = "Apakah Anda atau keluarga Anda sedang mengalami ini? Balas 1 kalau ya, kami buka laporan. Balas 2 kalau tidak."
ASK_EN = "Are you or your family going through this now? Reply 1 for yes, and we will open a report. Reply 2 for no."


@pytest.fixture(name="clock")
def clock_at_start() -> list[datetime]:
    """The engine's clock, which a test may move."""
    return [START]


@pytest.fixture(name="bot")
def clocked_engine(app, clock: list[datetime]) -> Engine:
    """The app's engine (same store, vault and classifier) on a clock the test moves."""
    ext = app.extensions["teman"]
    return Engine(ext["settings"], ext["vault"], ext["engine"].classifier, clock=lambda: clock[0])


def person(bot: Engine, sender: str = "+6281234560001", channel: str = "sms") -> FittingConversation:
    return FittingConversation(bot, sender, channel)


def in_band(bot: Engine, text: str) -> None:
    """Check the premise of a test: the harm model is unsure of `text`."""
    harm = bot.classifier.classify(text).harm
    assert harm is not None and confirming.CONFIRM_LOW <= harm < questions.HARM_REPORT, (text, harm)


def test_unsure_question_gets_the_answer_and_the_confirmation_and_no_case(bot, store):
    in_band(bot, UNSURE_ID)
    reply = person(bot).say(UNSURE_ID)
    assert ASK_ID in reply
    assert "Balas 4 untuk melapor" not in reply, "one way to report, not two"
    assert reply.index(ASK_ID) > 0, "the answer to what was asked comes first"
    assert opened(store) == []


def test_yes_opens_the_case_with_the_first_message(bot, store):
    worker = person(bot, "+6281234560002")
    worker.say(UNSURE_ID)
    receipt = worker.say("1")
    case = opened(store)[-1]
    assert case.ref in receipt and "(1/6)" in receipt, "then the usual intake"
    assert case.text == UNSURE_ID, "the first message is the report"
    assert case.category == "fees_or_debt"
    first_in = fetch(store, "select id from messages where direction = 'in' order by id limit 1")[0]["id"]
    assert case.first_message_id == first_in


@pytest.mark.parametrize("yes", ["ya", "iya", "Betul", "benar", "io", "yes"])
def test_yes_in_words_opens_the_case(bot, store, yes):
    worker = person(bot, "+6281234560003")
    worker.say(UNSURE_ID)
    assert "ADU-" in worker.say(yes)
    assert len(opened(store)) == 1


@pytest.mark.parametrize("no", ["2", "tidak", "bukan", "no"])
def test_no_gets_one_line_and_no_case(bot, store, no):
    worker = person(bot, "+6281234560004")
    worker.say(UNSURE_ID)
    assert worker.send(no) == ["Baik. Kalau nanti terjadi, balas 4 untuk melapor."]
    assert opened(store) == []
    assert_dialog(worker, [("4", ["1 Biaya/utang"])])  # 4 is the main menu's report menu


def test_english_question_and_yes(bot, store):
    in_band(bot, UNSURE_EN)
    worker = person(bot, "+6281234560005")
    assert_dialog(worker, [
        (UNSURE_EN, [ASK_EN]),
        ("yes", ["Your report number is ADU-"]),
    ])
    assert [c.category for c in opened(store)] == ["abuse"]
    assert opened(store)[0].text == UNSURE_EN


def test_a_retried_yes_opens_one_case(bot, store):
    sender = "+6281234560006"
    person(bot, sender).say(UNSURE_ID)
    yes = Inbound(channel="sms", sender=sender, text="1", provider="twilio", provider_id="SM" + "7" * 32, phone=sender)
    first = bot.receive(yes)
    again = bot.receive(yes)  # the provider delivers the same "1" again
    assert again.duplicate and again.reply_texts == first.reply_texts
    assert len(opened(store)) == 1


def test_danger_in_reply_to_the_confirmation_is_an_emergency(bot, store):
    worker = person(bot, "+6281234560007")
    worker.say(UNSURE_ID)
    text = worker.say("tolong saya dipukul majikan dan dikunci di kamar")
    assert "110" in text or "112" in text
    case = opened(store)[-1]
    assert case.priority == cases.DARURAT
    assert case.text == "tolong saya dipukul majikan dan dikunci di kamar"
    worker.say("1")
    assert len(opened(store)) == 1, "the question asked before danger is not a second case"


def test_another_message_instead_of_an_answer_is_a_new_message(bot, store):
    worker = person(bot, "+6281234560008")
    worker.say(UNSURE_ID)
    assert "18 tahun" in worker.say("berapa umur minimal untuk kerja ke luar negeri?")
    assert opened(store) == []
    assert "ADU-" not in worker.say("1"), "the confirmation was dropped: 1 is the menu's 1"
    assert opened(store) == []


def test_stop_while_the_confirmation_is_pending_is_honoured(bot, store, db_path):
    worker = person(bot, "+6281234560009")
    worker.say(UNSURE_ID)
    assert "MULAI" in worker.say("STOP")
    assert worker.send("1") == []
    assert opened(store) == []


def test_yes_after_24_hours_is_the_main_menu(bot, store, clock):
    worker = person(bot, "+6281234560010")
    worker.say(UNSURE_ID)
    clock[0] = START + confirming.WINDOW + timedelta(minutes=1)
    reply = worker.say("1")
    assert "ADU-" not in reply and "jalur resmi" in reply, "the main menu's 1: requirements"
    assert opened(store) == []


@pytest.mark.parametrize(("channel", "text"), [("sms", UNSURE_ID), ("sms", UNSURE_EN), ("whatsapp", UNSURE_ID)])
def test_the_first_reply_fits_the_channel(bot, channel, text):
    sender = "+6281234560011" if channel == "sms" else "+6281234560012"
    replies = person(bot, sender, channel).send(text)  # FittingConversation checks GSM-7, 3 segments
    first = replies[0]
    assert (ASK_ID in first) or (ASK_EN in first)
    if channel == "sms":
        assert sms.is_gsm7(first) and sms.measure(first).segments <= sms.SMS_BUDGET_SEGMENTS


def test_a_sure_report_still_opens_at_once(bot, store):
    text = "sudah 3 bulan gaji saya tidak dibayar majikan"
    assert bot.classifier.classify(text).harm >= questions.HARM_REPORT
    assert "ADU-" in person(bot, "+6281234560013").say(text)
    assert [c.category for c in opened(store)] == ["unpaid_wages"]


def test_a_sure_question_is_answered_without_the_confirmation(bot, store):
    text = "apakah boleh majikan menahan paspor?"
    assert bot.classifier.classify(text).harm < confirming.CONFIRM_LOW
    reply = person(bot, "+6281234560014").say(text)
    assert "Paspor Anda tidak boleh ditahan" in reply and "Balas 4 untuk melapor" in reply
    assert ASK_ID not in reply
    assert opened(store) == []
