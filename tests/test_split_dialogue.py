"""The clause reading decides: a neutral situation of the writer's + a question is answered (no case, no "did this
happen to you?"); the writer's own harm told at a middle P(harm) opens the case at once; a plain question about a rule
has no "this" to confirm. Real SQLite, real catalogs, the app's own classifier."""

from __future__ import annotations

import pytest

from bot.conversation import confirming
from bot.conversation import questions
from bot.conversation.engine import Engine
from bot.understanding import asking
from bot.understanding import clauses
from bot.understanding.intents import Understanding
from tests.conftest import FittingConversation
from tests.test_questions_dialogue import open_store  # noqa: F401 (the store fixture)
from tests.test_questions_dialogue import opened

ASK_ID = "Balas 1 kalau ya, kami buka laporan. Balas 2 kalau tidak."
ASK_EN = "Reply 1 for yes, and we will open a report. Reply 2 for no."


@pytest.fixture(name="bot")
def app_engine(app) -> Engine:
    """The app's engine (same store, vault and classifier as the webhook)."""
    return app.extensions["teman"]["engine"]


def person(bot: Engine, sender: str) -> FittingConversation:
    return FittingConversation(bot, sender, "sms")


# The writer's own situation, no harm in it, then a question: the old decision asked "did this happen to you?".
# Sessions 7 and 8 retrained the models on 1,901 and then 2,365 more texts, and both texts of this list now read in
# the band where the bot answers first and then asks (session 7: "perpanjang paspor" P 0.13, a held passport ranked
# close; session 8: the baby's birth paper P 0.33). Asking there is harmless but unneeded; what must hold is that the
# question is answered first and no case opens.
@pytest.mark.parametrize(("text", "answer"), [
    ("sy sdh 2 thn di malaysia, perpanjang paspor gmn?", "KBRI"),
    ("my baby was born in sabah last month, no birth paper yet. where do i register her?", "KJRI"),
])
def test_own_neutral_situation_is_answered_and_no_case_opens(bot, store, text, answer):
    reply = person(bot, "+6281234570002").say(text)
    assert answer in reply, "the question is answered first"
    assert opened(store) == [], "no case"


# The writer's own harm, told, with a question, at a middle P(harm): the case opens at once, its question answered.
OWN_HARM = [
    "majikan sy ambil hp sy, itu boleh ga?",
    "the agent asks me 15 million, is that allowed?",
]


@pytest.mark.parametrize("text", OWN_HARM)
def test_own_harm_at_middle_p_opens_the_case_at_once(bot, store, text):
    assert clauses.tell(text).own_harm, "a clause tells the writer's own harm"
    harm = bot.classifier.classify(text).harm
    assert harm is not None and questions.OWN_HARM_REPORT <= harm < questions.HARM_REPORT, (text, harm)
    reply = person(bot, "+6281234570002").say(text)
    assert "ADU-" in reply, "the case opens in the first reply"
    assert ASK_ID not in reply and ASK_EN not in reply
    assert len(opened(store)) == 1


def test_own_harm_just_below_the_band_is_asked_then_opens(bot, store):
    """Retrained in session 8, "majikan ambe beta pung paspor, itu bole ko?" reads P 0.48, just under OWN_HARM_REPORT:
    the answer, then "did this happen to you?"; 1 opens the case with the first message."""
    user = person(bot, "+6281234570003")
    reply = user.say("majikan ambe beta pung paspor, itu bole ko?")
    assert "paspor" in reply.lower() and opened(store) == []
    if ASK_ID in reply or ASK_EN in reply:
        assert "ADU-" in user.say("1")
    else:
        assert "ADU-" in reply
    assert len(opened(store)) == 1


# A plain question about a rule: nothing of the writer's to confirm ("this" has no referent).
GENERAL = ["boleh agen minta uang pelatihan?"]


@pytest.mark.parametrize("text", GENERAL)
def test_plain_question_is_not_asked_whether_it_happened(bot, store, text):
    assert not clauses.tell(text).own
    reply = person(bot, "+6281234570003").say(text)
    assert ASK_ID not in reply and ASK_EN not in reply, reply
    assert opened(store) == []


@pytest.mark.parametrize(("text", "asked"), [
    ("can i go to kuwait as housemaid?", False),
    ("boleh sy kerja jadi PRT di arab saudi?", False),
    ("kalau majikan tahan paspor, pekerja lapor ke mana?", False),
    ("agen minta 15 juta, apa itu boleh?", True),
    ("the agency made me pay 20000 for training, is it allowed?", True),
])
def test_the_confirmation_needs_a_referent(text, asked):
    """At the same middle P(harm) and the same ranking, only a message that tells something of the writer, their
    people or their agent is asked "are you going through this?"."""
    understanding = Understanding("ask_destinations", 0.6, ranking=(("ask_destinations", 0.6),
                                                                     ("report_documents_held", 0.3)), harm=0.4)
    problem = confirming.unsure(text, understanding, asking.read(text), watched=False)
    assert (problem is not None) == asked, (text, problem)


@pytest.mark.parametrize(("text", "own_harm", "own_neutral"), [
    ("majikan sy tdk izinkan sy pulang, sy hrs lapor ke mana?", True, False),
    ("beta pung bos ambe beta pung hp, itu bole ko?", True, False),
    ("my boss take my phone when i arrive, is he allowed?", True, False),
    ("anak sy lahir di sabah, blm ada akta. bisa dibawa pulang?", False, True),
    ("sy sdh 2 thn di malaysia, perpanjang paspor gmn?", False, True),
    ("paspor sy tdk ditahan, sy pegang sendiri. perpanjang di mana?", False, True),
    ("ada PT tawarkan sy kerja ke sabah, suruh bayar 5 jt. resmi ga?", False, True),
    ("kalau majikan tahan paspor, sy hrs bagaimana?", False, False),
])
def test_the_clause_reading(text, own_harm, own_neutral):
    """Which clause tells, and whether what it tells is harm: a negation, an offer or a supposition is none."""
    told = clauses.tell(text)
    assert (told.own_harm, told.own_neutral) == (own_harm, own_neutral), told
