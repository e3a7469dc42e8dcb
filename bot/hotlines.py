"""Emergency numbers chosen by where the person is: the local number first, then KP2MI, Kemlu and SAPA 129.

110 is Indonesia's police and 0800-1000 is free only from inside Indonesia, so a worker in Malaysia who is in
danger must first read Malaysia's 999. Where the person is comes from the country they (or their case) name, else
from the country code of the phone they write from. A country whose number we could not source gets "the local
emergency number" rather than a guess. Every number stated here is a fact in knowledge/facts.yml (FACTS).
Numbers people may dial or message from abroad are written in international format (+62 ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import i18n
from bot.i18n import _l

INDONESIA = "Indonesia"
ABROAD = "abroad"  # a foreign phone or country whose emergency number we have not sourced

# Country calling codes (ITU E.164) of the places most workers from NTT go to, and Indonesia's own.
CALLING_CODES = {
    "60": "Malaysia", "62": INDONESIA, "65": "Singapura", "852": "Hong Kong", "886": "Taiwan",
    "966": "Arab Saudi",
}

# country -> (the line with its emergency numbers, the facts it states)
LOCAL = {
    "Malaysia": (_l("In Malaysia call 999 (police, ambulance, fire). Indonesian embassy (KBRI) Kuala Lumpur hotline: "
                      "+60 17-668 8032."),
                 ("emergency_malaysia_999", "hotline_kbri_kuala_lumpur")),
    "Hong Kong": (_l("In Hong Kong call 999 (police, ambulance, fire)."), ("emergency_hong_kong_999",)),
    "Taiwan": (_l("In Taiwan call police 110 or ambulance 119. Labour hotline 1955: free, 24 hours, in "
                  "Indonesian."), ("emergency_taiwan_110_119", "hotline_taiwan_1955")),
    "Singapura": (_l("In Singapore call police 999 or ambulance 995."), ("emergency_singapore_999_995",)),
    "Arab Saudi": (_l("In Saudi Arabia call 911."), ("emergency_saudi_911",)),
    INDONESIA: (_l("In Indonesia call police 110 (free)."), ("hotline_police_110",)),
    ABROAD: (_l("Call the local emergency number of the country you are in."), ()),
}
# Not known where the person is: Indonesia's police, and Malaysia's number, where most workers from NTT are.
LOCAL_UNKNOWN = (_l("In Indonesia call police 110. Abroad call the local emergency number (Malaysia: 999)."),
                 ("hotline_police_110", "emergency_malaysia_999"))

CRISIS_HOME = (_l("Crisis Center KP2MI (ministry for migrant workers), 24 hours: 0800-1000, free in Indonesia. "
                  "WhatsApp +62 811-8080-141."), ("hotline_kp2mi_crisis_centre", "hotline_kp2mi_whatsapp"))
CRISIS_ABROAD = (_l("Crisis Center KP2MI (ministry for migrant workers), 24 hours: +62 21 2924 4800. "
                    "WhatsApp +62 811-8080-141."), ("hotline_kp2mi_crisis_centre_abroad", "hotline_kp2mi_whatsapp"))
CRISIS_BOTH = (_l("Crisis Center KP2MI, 24 hours: 0800-1000 free in Indonesia, +62 21 2924 4800 from abroad. "
                  "WhatsApp +62 811-8080-141."),
               ("hotline_kp2mi_crisis_centre", "hotline_kp2mi_crisis_centre_abroad", "hotline_kp2mi_whatsapp"))
KEMLU = (_l("Kemlu (foreign ministry) help for Indonesians abroad, 24 hours: +62 812 9007 0027."),
         ("hotline_kemlu_pwni",))
SAPA = (_l("Violence against women or children: SAPA 129, WhatsApp +62 811-1129-129."), ("hotline_sapa_129",))
MISSION = (_l("Abroad you can also go to the Indonesian embassy (KBRI) or consulate (KJRI)."), ())

# Short forms, for one line under another message (an apology, a notice).
SHORT_CRISIS_HOME = (_l("Crisis Center KP2MI: 0800-1000 (free)."), ("hotline_kp2mi_crisis_centre",))
SHORT_CRISIS_ABROAD = (_l("Crisis Center KP2MI: +62 21 2924 4800."), ("hotline_kp2mi_crisis_centre_abroad",))
SHORT_CRISIS_BOTH = (_l("Crisis Center KP2MI: 0800-1000 (free in Indonesia), +62 21 2924 4800 (from abroad)."),
                     ("hotline_kp2mi_crisis_centre", "hotline_kp2mi_crisis_centre_abroad"))


@dataclass(frozen=True)
class Place:
    """Where the person in danger is (`country`) and where the phone writing to us is from (`sender`)."""

    country: str | None = None
    sender: str | None = None


def country_of_phone(value: str | None) -> str | None:
    """Return the country of a phone number by its calling code: a known country, ABROAD, or None.

    "+60123456789" -> "Malaysia"; "whatsapp:+6281..." -> "Indonesia"; "+44..." -> ABROAD; "0812..." -> None.
    Masked numbers work too ("+60123****6789"): only the first digits are read.
    """
    if not value:
        return None
    text = value.split(":", 1)[1] if ":" in value else value
    text = text.strip()
    if not text.startswith("+"):
        return None
    digits = "".join(ch for ch in text[1:5] if ch.isdigit())
    for length in (3, 2):
        if digits[:length] in CALLING_CODES:
            return CALLING_CODES[digits[:length]]
    return ABROAD if digits else None


def place_for(country: str | None, phone: str | None) -> Place:
    """Return the Place of a person: the country named (by them or their case) wins over the phone's country.

    A foreign phone number says the person is in that country (a local SIM). An Indonesian number does not say
    the person is in Indonesia: many workers abroad keep their Indonesian SIM, so it leaves the place unknown.
    """
    sender = country_of_phone(phone)
    named = _known(country)
    return Place(country=named or (sender if sender != INDONESIA else None), sender=sender)


def _known(country: str | None) -> str | None:
    """Return the name we keep numbers under for a country name, ABROAD for other countries, or None."""
    if not country:
        return None
    name = country.strip()
    if name in LOCAL:
        return name
    lowered = name.lower()
    aliases = {"singapore": "Singapura", "saudi arabia": "Arab Saudi", "hongkong": "Hong Kong",
               "indonesia": INDONESIA}
    return aliases.get(lowered) or next((key for key in LOCAL if key.lower() == lowered), None) or ABROAD


def _local(place: Place) -> tuple[str, tuple[str, ...]]:
    if place.country is None:
        return LOCAL_UNKNOWN
    return LOCAL[place.country]


def _crisis(place: Place, short: bool = False) -> tuple[str, tuple[str, ...]]:
    home = place.country == INDONESIA and place.sender in (INDONESIA, None)
    away = place.country not in (None, INDONESIA) and place.sender != INDONESIA
    if short:
        return SHORT_CRISIS_HOME if home else SHORT_CRISIS_ABROAD if away else SHORT_CRISIS_BOTH
    if home:
        return CRISIS_HOME
    return CRISIS_ABROAD if away else CRISIS_BOTH


def lines(place: Place, violence: bool = False, short: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """Return the (msgid, fact ids) lines to say, most urgent first: local number, KP2MI, Kemlu, SAPA 129."""
    chosen = [_local(place), _crisis(place, short)]
    if short:
        return chosen
    if place.country != INDONESIA:
        chosen.append(KEMLU)
    if violence:
        chosen.append(SAPA)
    return chosen


def local_line(locale: str, place: Place) -> str:
    """Render the local emergency line for `place`: police 110 in Indonesia, 999 in Malaysia, both when unknown."""
    return i18n.render(locale, _local(place)[0])


def numbers(locale: str, place: Place, violence: bool = False, short: bool = False) -> str:
    """Render the emergency numbers for `place` in `locale`, one line each."""
    return "\n".join(i18n.render(locale, msgid) for msgid, _ in lines(place, violence, short))


def facts_of(place: Place, violence: bool = False, short: bool = False) -> list[str]:
    """Return the ids of the facts the numbers for `place` state."""
    return [fact for _, facts in lines(place, violence, short) for fact in facts]


# Advice that goes with the numbers, each with the facts it states (bot.cases.safety says them).
SPLP = (_l("Without a passport you can still go home: the Indonesian embassy (KBRI) or consulate (KJRI) can give "
           "you an SPLP, a travel letter in place of a passport."), ("splp_travel_document",))
NO_ARREST = (_l("The Indonesian embassy (KBRI) or consulate (KJRI) helps Indonesian workers with or without papers: "
                "the government says it protects them all."), ("government_protects_all_pmi",))
AGE = (_l("To work abroad you must be at least 18 (UU 18/2017 Pasal 5). Some countries ask for more: agencies in "
          "Malaysia say household workers there must be 21 to 45. Changing the age on a KTP makes a false "
          "document, and it is a warning sign of trafficking."),
       ("pmi_minimum_age_18", "malaysia_domestic_worker_age_21_45", "ilo_forced_labour_indicators"))
MISSING_NEXT = (_l("What to do next:\n1. Report it at the police (Polsek or Polres) with your KTP and KK, a photo of "
                   "your family member and their last phone number.\n2. Tell Disnaker or BP3MI NTT in Kupang.\n"
                   "3. Keep their phone number, their Facebook name, and the names of who went with them and who "
                   "took them."),
                ("missing_relative_police_report", "missing_relative_route", "missing_relative_data",
                 "bp3mi_ntt_roles"))
ADVICE = {"splp": SPLP, "no_arrest": NO_ARREST, "age": AGE, "missing_next": MISSING_NEXT}


def _all_facts() -> tuple[str, ...]:
    groups = [*LOCAL.values(), LOCAL_UNKNOWN, CRISIS_HOME, CRISIS_ABROAD, CRISIS_BOTH, KEMLU, SAPA,
              SHORT_CRISIS_HOME, SHORT_CRISIS_ABROAD, SHORT_CRISIS_BOTH, *ADVICE.values()]
    return tuple(sorted({fact for _, facts in groups for fact in facts}))


# Every fact an emergency text or its advice may state: the knowledge audit checks them like an answer's facts.
FACTS = _all_facts()


# Names in free text that tell where the person is (bot.cases.places has the full country list).
_PLACE_WORDS = {
    "malaysia": "Malaysia", "sabah": "Malaysia", "sarawak": "Malaysia", "kuala lumpur": "Malaysia",
    "johor": "Malaysia", "tawau": "Malaysia", "kota kinabalu": "Malaysia", "kuching": "Malaysia",
    "hong kong": "Hong Kong", "hongkong": "Hong Kong", "taiwan": "Taiwan", "singapura": "Singapura",
    "singapore": "Singapura", "arab saudi": "Arab Saudi", "saudi": "Arab Saudi", "indonesia": INDONESIA,
}


# "bahasa indonesia", "orang indonesia": the language or the people, not where the person is.
_NOT_A_PLACE = ("bahasa indonesia", "bhs indonesia", "orang indonesia", "warga indonesia", "indonesian")


def country_in_text(text: str) -> str | None:
    """Return the country a short text names ("nomor darurat di malaysia" -> "Malaysia"), or None.

    A country abroad wins over Indonesia ("di taiwan, ada yang bisa bahasa indonesia?", "di sabah, mau pulang ke
    indonesia"): someone who names both is abroad or asks about someone who is, and the numbers for abroad also
    name the crisis centre's number from Indonesia.
    """
    words = " ".join("".join(ch if ch.isalnum() else " " for ch in (text or "").lower()).split())
    padded = f" {words} "
    for phrase in _NOT_A_PLACE:
        padded = padded.replace(f" {phrase} ", " ")
    named = [_PLACE_WORDS[name] for name in sorted(_PLACE_WORDS, key=len, reverse=True) if f" {name} " in padded]
    return next((country for country in named if country != INDONESIA), named[0] if named else None)


IN_DANGER = _l("In danger: %(numbers)s")


def short_numbers(locale: str, place: Place) -> str:
    """Render the local number and the KP2MI number for `place` on one line."""
    return " ".join(i18n.render(locale, msgid) for msgid, _ in lines(place, short=True))


def short_line(locale: str, place: Place) -> str:
    """Render one short line for under another message: "In danger: <local number>. <KP2MI number>."."""
    return i18n.render(locale, IN_DANGER, numbers=short_numbers(locale, place))


def short_line_for(locale: str, text: str, phone: str | None) -> str:
    """Render the short danger line for a person who wrote `text` from `phone`."""
    return short_line(locale, place_for(country_in_text(text), phone))


def answer(locale: str, place: Place) -> str:
    """Render the full "emergency numbers" answer for `place`: every number, and the embassy when abroad."""
    body = numbers(locale, place, violence=True)
    if place.country != INDONESIA:
        body = f"{body}\n{i18n.render(locale, MISSION[0])}"
    return body
