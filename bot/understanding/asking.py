"""Tell a question about a problem from a report of one: clauses, question cues and first-person harm.

"apakah boleh majikan menahan paspor?" asks about a problem; "paspor saya ditahan" reports one; "gaji saya sudah
3 bulan tidak dibayar, saya mau pulang, bagaimana caranya?" does both. The text is cut into clauses (at . , ; ! ?
and new lines), each normalised (bot/understanding/normalise.py). Harm is found with the patterns of
bot/data/report_signals.yml (on the normalised text, and again with "-nya" taken off long words: "paspornya
dipegang"). A harm match is hypothetical when its clause opens as a question ("apakah", "bole ka", "is", "can",
"kalau"), when a scope word comes before it in the clause ("boleh", "kalau", "takut", "allowed", "if"), or when its
clause asks something without a person in it ("gaji dipotong berapa bulan?"). A clause that states something about
the writer or their family (a person word, outside any question) with a time or trouble word tells a story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from functools import lru_cache

from bot.understanding import normalise
from bot.understanding.signals import load_signals
from bot.understanding.signals import negated

QUESTION = "question"
REPORT = "report"
BOTH = "both"
NEITHER = "neither"

CLAUSE_BREAK = re.compile(r"[.,;!?\n]+")
# Words that ask, wherever they stand ("nomornya apa", "bisa kah", "bole ka", "mcm mana").
INTERROGATIVES = frozenset("""
apakah apa bolehkah bisakah haruskah adakah benarkah betulkah bagaimana gimana berapa kapan dimana kemana darimana
siapa sapa kenapa mengapa caranya tanya bertanya nanya kah
how what where which who whom why when
""".split())
QUESTION_PHRASES = ("mcm mana", "macam mana", "bole ka", "boleh ka", "bisa ka", "bisa ko", "boleh ko", "bole ko")
# A clause that opens with one of these asks something; with a conditional it supposes something. Either way its
# harm words are what it asks about or supposes, not what happened.
ASKING_OPENERS = INTERROGATIVES | frozenset("""
boleh bole bisa harus musti mesti perlu wajib
is are am can could may might does do did should would will whether
""".split())
CONDITIONALS = frozenset("kalau kalo jika jikalau bila apabila seandainya andaikan misalnya if".split())
OPENERS = ASKING_OPENERS | CONDITIONALS
# Words that make what follows them in the clause hypothetical, feared, or a matter of permission.
SCOPE_WORDS = frozenset("""
kalau kalo jika jikalau bila apabila seandainya andaikan misalnya misal umpama boleh bole bolehkah bisakah apakah
berhak legal ilegal sah takut khawatir supaya agar jangan hindari cegah
if whether allowed legal illegal lawful can could may might should afraid avoid worried prevent
""".split())
SCOPE_PHRASES = ("what if", "is it", "is that", "are they", "apa boleh", "bisa tidak", "boleh tidak", "mau tanya",
                 "ingin bertanya", "numpang tanya", "ingin tahu", "mau tahu")
# The writer speaks of themselves or of their family: a report, not a general question.
PERSON_WORDS = frozenset("""
saya sy aku ku beta sa kami katong kita gue gw
anak suami istri maitua adik ade kakak kaka kk akak abang abg kawan teman mama mamak bapa bapak ibu ayah keluarga
ponakan keponakan sepupu cucu kitorang kitong torang om tante paman bibi ipar nenek kakek opa oma saudara sodara
i i'm im me my we our us myself son daughter husband wife sister brother mother father cousin niece nephew
""".split())
# Harms often asked about as rules ("paspor kena simpan di ofis, betul ke?", "potong gaji, aturannya?").
RULE_HARMS = frozenset({"report_documents_held", "report_fees_or_debt", "report_unpaid_wages"})
# "bos", "towkay": someone's own employer, as "my boss" (a generic question says "majikan", "employer").
BOSS_WORDS = frozenset("bos boss towkay tauke taukeh mandor amo".split())
# Words of a story that has happened (time, duration, already).
STORY_WORDS = frozenset("""
sudah sdh su udah udh telah sejak semenjak selama lalu kemarin kemaren tadi sekarang masih terus bulan tahun
minggu hari sering selalu setiap tiap pernah
already since ago last yesterday now still months month years year weeks week days often always every never
""".split())
# Words that put a harm in the past: it happened ("sdh bayar 6 juta ke PT").
PAST_WORDS = frozenset("""
sudah sdh su udah udh dah telah sejak semenjak lalu kemarin kemaren tadi pernah already since ago last yesterday
""".split())
# Trouble that a story may tell without a harm pattern (deaths, arrests, running away, debts...).
TROUBLE_WORDS = frozenset("""
meninggal tewas sakit kabur lari melarikan ditangkap tertangkap penjara dipenjara deportasi dideportasi razia
dipecat diberhentikan phk tangkap dibohongi bohong denda ganti rugi utang hutang tebus sekap kurung marah maki ancam
diancam hamil paksa dipaksa lembur dipegang disimpan ditahan tahan hilang overstay tanpa setor transfer
died dead sick escaped arrested jail deported fired cheated debt threatened pregnant forced lost ran
dimarahi marahi usir diusir halau dihalau dibuang terlantar telantar kelaparan lapar capek tertipu menipu tipu polis imigresen
ditolak dikunci dilarang larang kasar siksa aniaya jual dijual sandera tebusan potongan overtime
beaten locked hungry abused scolded stranded trapped unpaid withheld
stroke koma kritis dirawat opname
""".split())
# "bisa jadi TKI ga", "boleh tidak": a modal with a negation at the end of the clause asks.
MODALS = frozenset("boleh bole bisa harus musti wajib perlu legal resmi sah wajar benar betul aman salah".split())
# Words of address that may close a question ("ini wajar ga pak", "bisa ka kaka").
ADDRESS_WORDS = frozenset("pak bapak bu ibu kak kakak kaka om tante mas mbak bang abang sis bro admin min dong ya".split())
TAG_NEGATIONS = frozenset("ga gak nggak ngga enggak tidak tdk sonde son".split())
# Trouble grave enough that a story telling it is a report whatever the classifier thinks.
GRAVE_WORDS = frozenset("""
meninggal tewas kabur melarikan dipenjara sekap disekap kurung dikurung dipaksa diancam hamil dibunuh terbunuh
jenazah mayat died dead escaped jailed forced threatened pregnant killed murdered body
""".split())
# Words that make a trouble word a plan or a wish, not something that happened ("mau ikut kabur aja dulu").
INTENTION_WORDS = frozenset("mau ingin pengen pingin akan rencana berencana nak hendak want plan planning going".split())
# A deportation the writer once went through ("sa pernah dideportasi dari sabah, bisa karja lai ko?") is their history,
# asked about for going again, not trouble now (a fresh one is told without "pernah": "sy baru dideportasi").
DEPORTED = frozenset("deportasi dideportasi deport dideport deported".split())
HISTORY_WORDS = frozenset("pernah once".split())
# Negations that make a trouble word something that did not happen ("tidak sakit", "belum pernah ditangkap").
NEGATIONS = frozenset("tidak bukan belum never not no t".split())
FILLERS = frozenset("pernah sampai sempat juga lagi ikut ever been".split())
# "tidak tahu siapa", "tdk mau bilang berapa", "don't know where": an asking word after these and a negation is told.
KNOW_WORDS = frozenset("tahu tau bilang kasih kasi know tell say sure pasti ingat".split())
# Tags that end a question in Kupang ("ka", "ko") and Malaysian Malay ("ke": "kena denda ke?").
TAG_PARTICLES = ("ka", "ko", "ke")
# A clause that states a need the bot can answer even without a question ("saya mau pulang").
NEED_WORDS = frozenset("pulang balik mudik home return".split())
# Harm the patterns of report_signals.yml do not cover yet, in the same normalised form.
EXTRA_SIGNALS: dict[str, tuple[re.Pattern[str], ...]] = {
    "report_fees_or_debt": (
        re.compile(r"\b(?:di ?suruh|disuruh|di ?minta|diminta)\W+(?:\w+\W+){0,2}?(?:transfer|setor|kirim uang)\b"),
        re.compile(r"\bganti rugi\b"),
        re.compile(r"\b(?:gaji|upah|salary)\b(?:\W+\w+){0,8}?\W+(?:di ?potong|dipotong)\b"),
    ),
    "report_missing_contact": (
        re.compile(r"\b(?:tidak|tak|belum|never)\W+(?:\w+\W+){0,2}?(?:kirim kabar|kirim berita|balas|angkat)\b"),
        re.compile(r"\b(?:hp|hpnya|handphone|nomor|nomornya|phone)\W+(?:\w+\W+){0,1}?(?:mati|tidak aktif|off)\b"),
    ),
}
REPORT_WORDS = ("mau lapor", "ingin lapor", "mau melapor", "ingin melapor", "mau mengadu", "ingin mengadu",
                "want to report", "i report", "saya lapor", "sy lapor")


@dataclass(frozen=True)
class Reading:
    """What a message does: asks, tells (a story of harm), both or neither; the report intents its harm points to."""

    kind: str
    harm: tuple[str, ...] = ()
    asks: bool = False
    tells: bool = False
    question_text: str = ""
    person: bool = False
    troubled: bool = False
    grave: bool = False
    leads_with_question: bool = False

    @property
    def reports(self) -> bool:
        """Return True when the message reports a problem (alone or with a question)."""
        return self.kind in (REPORT, BOTH)


@dataclass(frozen=True)
class _Clause:
    text: str
    tokens: tuple[str, ...]
    raw: tuple[str, ...]

    @cached_property
    def norm(self) -> str:
        return " ".join(self.tokens)

    def has(self, words: frozenset[str]) -> bool:
        return any(t in words for t in self.tokens) or any(t in words for t in self.raw)

    @property
    def opens_question(self) -> bool:
        return bool(self.tokens) and (self.tokens[0] in OPENERS or (self.raw[:1] and self.raw[0] in OPENERS))

    @cached_property
    def asks(self) -> bool:
        raw = self.raw
        while len(raw) > 2 and raw[-1] in ADDRESS_WORDS:
            raw = raw[:-1]
        opens = bool(self.tokens) and (self.tokens[0] in ASKING_OPENERS or self.raw[:1] and self.raw[0] in ASKING_OPENERS)
        return (opens or self.interrogative() or "?" in self.text
                or any(p in f" {self.norm} " for p in (f" {q} " for q in QUESTION_PHRASES))
                or (len(raw) > 1 and raw[-1] in TAG_PARTICLES)
                or (len(raw) > 2 and raw[-1] in TAG_NEGATIONS and self.has(MODALS))
                or (len(self.tokens) > 2 and self.tokens[-2] in ("atau", "or") and self.tokens[-1] in ("tidak", "not")))

    @property
    def tagged(self) -> bool:
        """Return True when the clause ends as a question: "?" or a tag particle ("bisa ka", "kena denda ke")."""
        return "?" in self.text or (len(self.raw) > 1 and self.raw[-1] in TAG_PARTICLES)

    def marked(self, words: frozenset[str], grave: bool = False) -> bool:
        """Return True when a word of `words` is told as having happened: not negated, nor (if `grave`) a plan."""
        for tokens in (self.tokens, self.raw):
            for i, token in enumerate(tokens):
                if token not in words:
                    continue
                if i and tokens[i - 1] == "rumah":
                    continue  # "rumah sakit" is a hospital
                before = [t for t in tokens[max(0, i - 3):i] if t not in FILLERS]
                if before and normalise.normalise(before[-1]) in NEGATIONS:
                    continue
                if grave and any(t in INTENTION_WORDS for t in tokens[max(0, i - 3):i]):
                    continue
                if token in DEPORTED and any(t in HISTORY_WORDS for t in tokens[max(0, i - 3):i]):
                    continue
                return True
        return False

    def interrogative(self) -> bool:
        """Return True when an asking word stands in the clause ("apa apa", "siapa siapa" mean "anything", "anyone")."""
        tokens = self.tokens
        for i, token in enumerate(tokens):
            if token in INTERROGATIVES and not (i and tokens[i - 1] == token) and tokens[i + 1:i + 2] != (token,):
                if not _embedded(tokens, i):
                    return True
        return any(t in INTERROGATIVES for t in self.raw if t not in self.tokens)


def _embedded(tokens: tuple[str, ...], i: int) -> bool:
    """Return True when the asking word at `i` is told, not asked: "tdk tau siapa yg bawa", "tidak mau bilang brp"."""
    before = tokens[max(0, i - 4):i]
    return bool(before) and any(t in KNOW_WORDS for t in before[-2:]) and any(t in NEGATIONS for t in before)


def clauses(text: str) -> list[str]:
    """Return the clauses of `text`: the pieces between punctuation marks and new lines."""
    return [part.strip() for part in CLAUSE_BREAK.split(text or "") if part and part.strip()]


CLAUSE = re.compile(r"[^.,;!?\n]+[.,;!?\n]*")


def _pieces(text: str) -> list[str]:
    """Return the clauses of `text`, each with the marks that close it ("bisa ka?" keeps its "?")."""
    return [m.group(0).strip() for m in CLAUSE.finditer(text or "") if m.group(0).strip()]


def _clause(text: str) -> _Clause:
    return _Clause(text, tuple(normalise.normalise(text).split()), tuple(re.sub(r"[^\w\s']", " ", text.lower()).split()))


def parts(text: str) -> list[_Clause]:
    """Return the clauses of `text` that hold words, each with its normalised tokens (for bot/understanding/clauses.py)."""
    return [c for c in (_clause(piece) for piece in _pieces(text)) if c.tokens]


Clause = _Clause


def _without_nya(norm: str) -> str:
    return " ".join(w[:-3] if len(w) > 6 and w.endswith("nya") else w for w in norm.split())


def _scoped(clause: _Clause, start: int, text: str, told: bool = False) -> bool:
    """Return True when the harm at `start` (in `text`, a form of the clause) is hypothetical.

    :param told: an earlier clause stated something about the writer or their family ("anak sy ditangkap ...,
        sdh 2 bulan tdk ada kabar dia di mana"): a later clause that asks is about them, not a general question.
    """
    if clause.opens_question:
        return True
    before = text[:start]
    if any(w in SCOPE_WORDS for w in before.split()) or any(p in before for p in SCOPE_PHRASES):
        return True
    return clause.asks and not clause.has(PERSON_WORDS) and not (told and not clause.tagged)


def _stated_person(clause: _Clause) -> bool:
    return not clause.asks and not clause.has(SCOPE_WORDS) and clause.has(PERSON_WORDS)


def _harm(parts: list[_Clause]) -> tuple[list[str], set[int]]:
    """Return the report intents of the firm (not hypothetical, not negated) harm, and the clauses it is in."""
    harm: list[str] = []
    harmed: set[int] = set()
    signals = _signals()
    told = False
    anywhere = _any_signal()
    for index, clause in enumerate(parts):
        forms = {clause.norm, _without_nya(clause.norm)}
        if not any(anywhere.search(form) for form in forms):  # most clauses hold no harm: one search says so
            told = told or _stated_person(clause)
            continue
        for intent, patterns in signals.items():
            for pattern in patterns:
                for form in forms:
                    if any(not _scoped(clause, m.start(), form, told) and not negated(pattern, form, m)
                           for m in pattern.finditer(form)):
                        harmed.add(index)
                        if intent not in harm:
                            harm.append(intent)
        told = told or _stated_person(clause)
    # A pattern may span clauses ("dijanjikan kerja di restoran, ternyata di kebun"): try the whole text too.
    joined = " ".join(c.norm for c in parts)
    if len(parts) > 1 and anywhere.search(joined) and not any(c.opens_question or (c.asks and not c.has(PERSON_WORDS)) for c in parts):
        for intent, patterns in signals.items():
            if intent not in harm and not _any_scope(parts) and any(
                    not negated(p, joined, m) for p in patterns for m in p.finditer(joined)):
                harm.append(intent)
    return harm, harmed


NUMBER_WORDS = frozenset("""
nomor nomer no nombor telepon telpon telp tlp hubungi kontak hotline darurat kecemasan polisi polis ambulans
number phone call dial contact hotline emergency police ambulance whatsapp wa
""".split())


def asks_for_numbers(text: str) -> bool:
    """Return True when `text` asks for a phone number or a help line ("nomor polisi di johor berapa")."""
    words = set(normalise.normalise(text).split()) | set(re.sub(r"[^\w\s]", " ", (text or "").lower()).split())
    return bool(words & NUMBER_WORDS)


@lru_cache(maxsize=1)
def _signals() -> dict[str, tuple[re.Pattern[str], ...]]:
    """Return the harm patterns: report_signals.yml's, then EXTRA_SIGNALS."""
    merged = {intent: tuple(patterns) for intent, patterns in load_signals().patterns.items()}
    for intent, patterns in EXTRA_SIGNALS.items():
        merged[intent] = merged.get(intent, ()) + patterns
    return merged


@lru_cache(maxsize=1)
def _any_signal() -> re.Pattern[str]:
    """Return one pattern that matches wherever any harm pattern does (a union of linear patterns)."""
    return re.compile("|".join(f"(?:{p.pattern})" for patterns in _signals().values() for p in patterns))


def _any_scope(parts: list[_Clause]) -> bool:
    return any(c.has(SCOPE_WORDS) for c in parts)


@lru_cache(maxsize=2048)
def read(text: str) -> Reading:
    """Read `text` clause by clause: firm harm or a story (a report), questions, or both."""
    parts = [c for c in (_clause(piece) for piece in _pieces(text)) if c.tokens]
    harm, harmed = _harm(parts)
    asks = "?" in (text or "") or any(c.asks for c in parts)
    if asks and harm and not any(c.has(PERSON_WORDS | BOSS_WORDS) or i in harmed and c.has(PAST_WORDS)
                                 for i, c in enumerate(parts)):
        # "kompeni cakap paspor kena simpan di ofis, betul ke itu undang2?": a rule asked about, no one's story
        # (danger still counts: "ada tempat curhat? kadang pikir mau mati saja"). A harm told as past is a story
        # even without a pronoun ("sdh bayar 6 juta ke PT, ...?"); a duration is not ("potong gaji 6 bulan").
        harm = [intent for intent in harm if intent not in RULE_HARMS]
        harmed = harmed if harm else set()
    tells = bool(harm)
    story = False
    person = False
    troubled = False
    grave = False
    question_parts: list[str] = []
    for index, clause in enumerate(parts):
        clause_asks = clause.asks
        asks = asks or clause_asks
        stated = not clause_asks and not clause.has(SCOPE_WORDS)
        # A statement after one about the writer or their family goes on telling their story ("om sy dibacok ...,
        # sdh meninggal"); only its trouble counts, not its numbers or time words.
        own = clause.has(PERSON_WORDS)
        if stated and (own or person):
            person = True
            if own and (clause.has(STORY_WORDS) or any(ch.isdigit() for ch in clause.text)):
                story = True
            if clause.marked(TROUBLE_WORDS):
                tells = troubled = True
            if clause.marked(GRAVE_WORDS, grave=True):
                tells = troubled = grave = True
        if any(phrase in f" {clause.norm} " for phrase in (f" {p} " for p in REPORT_WORDS)) and person:
            tells = True
        if index not in harmed and (clause_asks or clause.has(NEED_WORDS)):
            question_parts.append(clause.text.rstrip(".,;!?\n "))
    # Time words and numbers about the writer tell a story when nothing is asked; in a message that asks they are
    # the question's context ("sy cuma ada 2 jt, masih bisa ka?", "sy pernah dideportasi thn lalu, bisa masuk
    # lagi kah?"): then only harm or trouble tells.
    tells = tells or story and not asks
    if tells:
        kind = BOTH if asks or question_parts else REPORT
    elif asks:
        kind = QUESTION
    else:
        kind = NEITHER
    lead = parts[0] if parts else None
    leads = lead is not None and (lead.asks or lead.opens_question or _scope_start(lead))
    return Reading(kind, tuple(harm), asks, tells, ", ".join(question_parts), person, troubled or bool(harm),
                   grave, leads)


# The people a worker's problem usually comes from, named in a statement ("majikan suruh sy tidur di dapur, boleh?").
AGENT_WORDS = frozenset("""
majikan bos boss agen agensi ejen pt kompeni tekong calo sponsor towkay tauke mandor lpk perusahaan
employer agent agency company broker
""".split())


@lru_cache(maxsize=2048)
def statements(text: str) -> tuple[int, int]:
    """Return how many clauses state something (ask and suppose nothing), and how many of them name a person.

    A person is the writer, their family or friends, or the people they work for ("majikan", "agen", "PT").
    """
    stated = named = 0
    for clause in (c for c in (_clause(piece) for piece in _pieces(text)) if c.tokens):
        if clause.asks or clause.has(SCOPE_WORDS) or len(clause.tokens) < 3:
            continue
        stated += 1
        named += clause.has(PERSON_WORDS | BOSS_WORDS | AGENT_WORDS)
    return stated, named


def _scope_start(clause: _Clause) -> bool:
    """Return True when a clause starts by asking or supposing within its first words ("saya mau tanya apakah")."""
    head = " ".join(clause.tokens[:4])
    return any(w in SCOPE_WORDS | INTERROGATIVES for w in clause.tokens[:4]) or any(p in head for p in SCOPE_PHRASES)


__all__ = ["BOTH", "NEITHER", "QUESTION", "REPORT", "Clause", "Reading", "asks_for_numbers", "clauses", "parts", "read",
           "statements"]
