"""Short answers at the level of one fact: the first reply to a question that asks exactly that fact."""

from __future__ import annotations

from bot.i18n import _l

# fact id (knowledge/facts.yml) -> a short answer: an English msgid, translated in translations/*/answers.po,
# one SMS segment where it can, two at most. Each entry states only what its fact (and the facts it names in
# FACT_ANSWER_FACTS) says. Keep entries sorted by fact id.
FACT_ANSWERS: dict[str, str] = {
    "bpjs_only_if_registered": _l("BPJS Ketenagakerjaan covers a migrant worker only if registered before leaving."),
    "emergency_hong_kong_999": _l("In Hong Kong, if you are in danger, call 999 (police, ambulance, fire)."),
    "emergency_malaysia_999": _l("In Malaysia the emergency number is 999 (police, ambulance, fire). 110 does not "
                                 "work there."),
    "emergency_saudi_911": _l("In Saudi Arabia the emergency number is 911."),
    "emergency_singapore_999_995": _l("In Singapore call police 999, or 995 for an ambulance or fire."),
    "emergency_taiwan_110_119": _l("In Taiwan call police 110, or 119 for an ambulance or fire."),
    "government_protects_all_pmi": _l("The embassy (KBRI) or consulate (KJRI) helps Indonesian workers with or "
                                      "without papers."),
    "hotline_kbri_kuala_lumpur": _l("KBRI Kuala Lumpur (Indonesian embassy) hotline: +60 17-668 8032."),
    "hotline_kp2mi_whatsapp": _l("KP2MI takes complaints by WhatsApp: +62 811-8080-141."),
    "hotline_taiwan_1955": _l("In Taiwan call 1955: free, 24 hours, in Indonesian, for work problems and abuse."),
    "malaysia_domestic_worker_age_21_45": _l("Agencies in Malaysia say household workers there must be 21 to 45. "
                                             "Indonesia's minimum is 18."),
    "passport_free_first_pmi": _l("A passport for a migrant worker is free (Rp0)."),
    "perban9_2020_revised_2025": _l("Perban BP2MI 9/2020 is the earlier cost rule; Permen P2MI 17/2025 revised it. "
                                    "Ask BP3MI for today's costs."),
    "splp_travel_document": _l("Without a passport, the embassy (KBRI) or consulate (KJRI) can give you an SPLP, "
                               "a travel letter to go home."),
}

# fact id -> the other fact ids an answer relies on (its sources), when it states more than its own fact.
FACT_ANSWER_FACTS: dict[str, tuple[str, ...]] = {
}

__all__ = ["FACT_ANSWERS", "FACT_ANSWER_FACTS", "_l"]
