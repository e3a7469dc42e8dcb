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
from bot.places_abroad import INDONESIA
from bot.places_abroad import PLACES_FILE as PLACES_FILE
from bot.places_abroad import SABAH
from bot.places_abroad import Where as Where  # re-exported: bot.places_abroad is the one reader of places
from bot.places_abroad import country_in_text as country_in_text
from bot.places_abroad import gazetteer as gazetteer
from bot.places_abroad import where_in_text

ABROAD = "abroad"  # a foreign phone or country whose emergency number we have not sourced

# Country calling codes (ITU E.164) of the places most workers from NTT go to, and Indonesia's own.
CALLING_CODES = {
    "60": "Malaysia", "62": INDONESIA, "65": "Singapura", "852": "Hong Kong", "886": "Taiwan",
    "966": "Arab Saudi", "673": "Brunei Darussalam", "66": "Thailand", "971": "UEA", "974": "Qatar",
    "965": "Kuwait",
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
    "Brunei Darussalam": (_l("In Brunei call police 993."), ("emergency_brunei_993",)),
    "Thailand": (_l("In Thailand call police 191 or ambulance 1669."), ("emergency_thailand_191_1669",)),
    "UEA": (_l("In the United Arab Emirates call police 999."), ("emergency_uae_999",)),
    "Qatar": (_l("In Qatar call 999 (police, ambulance, fire)."), ("emergency_qatar_999",)),
    "Kuwait": (_l("In Kuwait call 112 (police, ambulance, fire)."), ("emergency_kuwait_112",)),
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


# Malaysia: the Indonesian mission for where the person is (bot/data/places_abroad.yml says which place is whose).
KBRI_KUALA_LUMPUR = "KBRI Kuala Lumpur"
KRI_TAWAU = "KRI Tawau"
KJRI_JOHOR_BAHRU = "KJRI Johor Bahru"
MISSION_NEAREST = (_l("Nearest Indonesian mission: %(mission)s."), ("missions_in_malaysia",))
MISSION_EMBASSY = (_l("Nearest Indonesian mission: the embassy, KBRI Kuala Lumpur, hotline +60 17-668 8032."),
                   ("missions_in_malaysia", "hotline_kbri_kuala_lumpur"))
MISSION_JOHOR = (_l("Nearest Indonesian mission: KJRI Johor Bahru, WhatsApp hotline KSATRIA +60 10-528 8040 (24 "
                    "hours)."), ("missions_in_malaysia", "hotline_kjri_johor_bahru_ksatria"))
MISSION_SABAH = (_l("In Sabah: KJRI Kota Kinabalu, or KRI Tawau for Tawau, Lahad Datu, Semporna, Kunak and "
                    "Kalabakan."), ("missions_in_malaysia", "kri_tawau_area"))
# No town named: the embassy's hotline only, so that a report's number, its answer and this line fit in 2 SMS
# segments (with the list of every mission they took 3); the embassy serves all of Malaysia, and the form then
# asks where they are (bot.cases.danger.place_of gives the mission of the town the case keeps from then on).
MISSION_MALAYSIA = (_l("KBRI Kuala Lumpur hotline: +60 17-668 8032."), ("hotline_kbri_kuala_lumpur",))


@dataclass(frozen=True)
class Place:
    """Where the person in danger is (`country`), where the phone writing to us is from (`sender`), and, in
    Malaysia, the mission of the place they named (`mission`: "KRI Tawau", "Sabah" for both Sabah consulates)."""

    country: str | None = None
    sender: str | None = None
    mission: str | None = None


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


def place_for(country: str | None, phone: str | None, mission: str | None = None) -> Place:
    """Return the Place of a person: the country named (by them or their case) wins over the phone's country.

    A foreign phone number says the person is in that country (a local SIM). An Indonesian number does not say
    the person is in Indonesia: many workers abroad keep their Indonesian SIM, so it leaves the place unknown.
    """
    sender = country_of_phone(phone)
    named = _known(country)
    where = named or (sender if sender != INDONESIA else None)
    return Place(country=where, sender=sender, mission=mission if where == "Malaysia" else None)


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
              SHORT_CRISIS_HOME, SHORT_CRISIS_ABROAD, SHORT_CRISIS_BOTH, *ADVICE.values(), MISSION_NEAREST,
              MISSION_EMBASSY, MISSION_JOHOR, MISSION_SABAH, MISSION_MALAYSIA]
    return tuple(sorted({fact for _, facts in groups for fact in facts}))


# Every fact an emergency text or its advice may state: the knowledge audit checks them like an answer's facts.
FACTS = _all_facts()


def place_in_text(text: str, phone: str | None) -> Place:
    """Return the Place of a person who wrote `text` from `phone`: the country (and mission) named, else the phone's."""
    where = where_in_text(text)
    return place_for(where.country, phone, where.mission)


def _mission(place: Place) -> tuple[str, tuple[str, ...], dict[str, str]] | None:
    """Return the mission line for a place in Malaysia (msgid, the facts it states, its values), else None."""
    if place.country != "Malaysia":
        return None
    if place.mission == KBRI_KUALA_LUMPUR:
        return (*MISSION_EMBASSY, {})
    if place.mission == SABAH:
        return (*MISSION_SABAH, {})
    if place.mission == KJRI_JOHOR_BAHRU:
        return (*MISSION_JOHOR, {})
    if place.mission:
        tawau = ("kri_tawau_area",) if place.mission == KRI_TAWAU else ()
        return MISSION_NEAREST[0], (*MISSION_NEAREST[1], *tawau), {"mission": place.mission}
    return (*MISSION_MALAYSIA, {})


def mission_line(locale: str, place: Place) -> str | None:
    """Render the Indonesian mission for a place in Malaysia: the one for the town named, else the embassy's hotline.

    None outside Malaysia (the answers there say "the embassy (KBRI) or consulate (KJRI)").
    """
    mission = _mission(place)
    return None if mission is None else i18n.render(locale, mission[0], **mission[2])


def consulate_line(locale: str, place: Place) -> str | None:
    """Render the consulate for where the person is in Malaysia when it is not the embassy, else None.

    The danger reply's local line already gives the embassy's sourced hotline; this names the mission of the town
    (with a number only where one is sourced: KSATRIA of KJRI Johor Bahru; none for Kota Kinabalu, Kuching, Penang
    or Tawau, whose numbers no source gives).
    """
    if place.country != "Malaysia" or place.mission in (None, KBRI_KUALA_LUMPUR):
        return None
    return mission_line(locale, place)


def mission_facts(place: Place) -> list[str]:
    """Return the ids of the facts mission_line states for `place`."""
    mission = _mission(place)
    return [] if mission is None else list(mission[1])


IN_DANGER = _l("In danger: %(numbers)s")


def short_numbers(locale: str, place: Place) -> str:
    """Render the local number and the KP2MI number for `place` on one line."""
    return " ".join(i18n.render(locale, msgid) for msgid, _ in lines(place, short=True))


def short_line(locale: str, place: Place) -> str:
    """Render one short line for under another message: "In danger: <local number>. <KP2MI number>."."""
    return i18n.render(locale, IN_DANGER, numbers=short_numbers(locale, place))


def short_line_for(locale: str, text: str, phone: str | None) -> str:
    """Render the short danger line for a person who wrote `text` from `phone`."""
    return short_line(locale, place_in_text(text, phone))


def answer(locale: str, place: Place) -> str:
    """Render the full "emergency numbers" answer for `place`: every number, and the embassy when abroad."""
    body = numbers(locale, place, violence=True)
    if place.country != INDONESIA:
        nearest = mission_line(locale, place) if place.mission else None  # in Malaysia, the mission for the town
        body = f"{body}\n{nearest or i18n.render(locale, MISSION[0])}"
    return body
