"""Short answers at the level of one fact: the first reply to a question that asks exactly that fact."""

from __future__ import annotations

from bot.i18n import _l

# fact id (knowledge/facts.yml) -> a short answer: an English msgid, translated in translations/*/answers.po,
# one SMS segment where it can, two at most. Each entry states only what its fact (and the facts it names in
# FACT_ANSWER_FACTS) says. Keep entries sorted by fact id.
FACT_ANSWERS: dict[str, str] = {
    "bp3mi_ntt_complaints_2025": _l(
        "BP3MI NTT in Kupang handles migrant workers' complaints: it resolved 523 complaint cases in 2025."),
    "bp3mi_ntt_roles": _l(
        "BP3MI NTT in Kupang receives deported workers, brings home the bodies of workers who died abroad, runs "
        "safe-migration sessions in villages and handles complaints."),
    "bp3mi_p4mi_verify_vacancies": _l(
        "You can ask about a job vacancy and have it checked at a BP3MI office (for NTT, in Kupang) or at a P4MI "
        "post."),
    "bpjs_covers_risks": _l(
        "Migrant workers' BPJS Ketenagakerjaan covers work accidents (JKK) and death (JKM), 21 risks in all, "
        "including cash benefits for violence and rape, a job unlike the agreement, and dismissal."),
    "bpjs_jkk_jkm_compulsory_jht_optional": _l(
        "Migrant workers must be registered with BPJS Ketenagakerjaan: work-accident (JKK) and death (JKM) cover are "
        "compulsory; old-age savings (JHT) is optional."),
    "bpjs_jkm_death_cover": _l(
        "If the worker was registered with BPJS Ketenagakerjaan before leaving, death cover (JKM) applies: it is "
        "compulsory for migrant workers. Ask BPJS Ketenagakerjaan or BP3MI about the claim."),
    "bpjs_only_if_registered": _l(
        "BPJS Ketenagakerjaan covers a migrant worker only if registered before leaving."),
    "calo_may_not_place": _l(
        "A calo or sponsor may not place migrant workers: only the government, a licensed company (P3MI) or a company"
        " sending its own staff. The official path starts at Disnaker or the LTSA."),
    "calo_penalty_figures": _l(
        "A calo or sponsor who places workers without a licensed company commits a crime: Kemnaker says up to 10 "
        "years in prison and a fine of up to Rp15 billion. You can report them."),
    "cambodia_myanmar_not_placement": _l(
        "Cambodia and Myanmar are not placement countries for Indonesian migrant workers (Minister P2MI, October "
        "2025). Going there to work is illegal and may be trafficking: do not go. Check any job offer at BP3MI."),
    "case_documents_to_prepare": _l(
        "To follow up a case abroad, officers ask for: full name, passport number, visa, the sending company, work "
        "contract, country, last address, employer's name and date of last contact."),
    "complaint_channels": _l(
        "You can complain to KP2MI (formerly BP2MI) in person, by phone, SMS, letter, email or social media. In NTT, "
        "BP3MI in Kupang handles complaints. Abroad, the embassy (KBRI) or consulate (KJRI) helps too."),
    "complaints_going_home_wages": _l(
        "Wanting to be sent home, unpaid wages and deportation are among the most common complaints of migrant "
        "workers. You are not alone: you can report your problem here."),
    "consent_letter_village_head": _l(
        "The consent letter must come from your husband or wife, a parent or a guardian, and be known to (diketahui) "
        "the village head or lurah."),
    "contract_language_understood": _l(
        "Do not sign a contract in a language you do not understand, and keep your own signed copy. You have the "
        "right to have your contract explained."),
    "deportee_reentry_ban_sabah": _l(
        "Workers deported from Sabah may be barred from entering Malaysia again for years; the Indonesian consulate "
        "in Tawau (KRI) speaks of five years. Go back only through the official path."),
    "documents_pasal13": _l(
        "Documents: passport, work visa, KTP, KK, birth certificate, school diploma (ijazah), marital-status letter, "
        "family consent letter known to the village head, health certificate, competence certificate, placement "
        "agreement and work contract."),
    "duty_report_to_mission": _l(
        "You must report your arrival, stay and return to the Indonesian embassy or consulate (UU 18/2017 Pasal 6). "
        "You must also obey the law and work by the contract."),
    "emergency_brunei_993": _l(
        "In Brunei call the police on 993."),
    "emergency_hong_kong_999": _l(
        "In Hong Kong, if you are in danger, call 999 (police, ambulance, fire)."),
    "emergency_kuwait_112": _l(
        "In Kuwait the emergency number is 112 (police, ambulance, fire)."),
    "emergency_malaysia_999": _l(
        "In Malaysia the emergency number is 999 (police, ambulance, fire). 110 does not work there."),
    "emergency_qatar_999": _l(
        "In Qatar the emergency number is 999."),
    "emergency_saudi_911": _l(
        "In Saudi Arabia the emergency number is 911."),
    "emergency_singapore_999_995": _l(
        "In Singapore call police 999, or 995 for an ambulance or fire."),
    "emergency_taiwan_110_119": _l(
        "In Taiwan call police 110, or 119 for an ambulance or fire."),
    "emergency_thailand_191_1669": _l(
        "In Thailand call police 191, or 1669 for an ambulance."),
    "emergency_uae_999": _l(
        "In the United Arab Emirates call police 999."),
    "employer_costs_not_charged_pasal72": _l(
        "A company may not charge you any cost the employer already pays (UU 18/2017 Pasal 72), and doing so carries "
        "a criminal penalty (Pasal 86)."),
    "family_may_complain": _l(
        "Yes. The family can complain for a migrant worker; the worker need not do it alone. An NGO or a lawyer needs "
        "a power of attorney (surat kuasa)."),
    "government_protects_all_pmi": _l(
        "The government says it protects all migrant workers, with or without papers: the embassy (KBRI) or "
        "consulate (KJRI) helps you too."),
    "hk_agency_commission_10pct": _l(
        "In Hong Kong an agency may take at most 10 percent of your first month's wages, after you start work; "
        "other fees are not allowed. By Indonesian law you may not be charged placement costs either."),
    "hk_labour_safe_migration_advice": _l(
        "Hong Kong's Labour Department advises: keep your own identity documents, do not sign anything you do not "
        "fully understand, and do not borrow money to pay an agency."),
    "hk_rest_day_weekly": _l(
        "In Hong Kong you have the right to at least one rest day in every 7 days (Employment Ordinance). Your "
        "employer may not force you to work on it, except in an emergency. The consulate (KJRI) can help."),
    "hotline_kbri_kuala_lumpur": _l(
        "KBRI Kuala Lumpur (Indonesian embassy) hotline: +60 17-668 8032."),
    "hotline_kemlu_pwni": _l(
        "Kemlu citizen protection (Perlindungan WNI), 24 hours: +62 812 9007 0027."),
    "hotline_kjri_johor_bahru_ksatria": _l(
        "In Johor, the Indonesian consulate (KJRI Johor Bahru) takes complaints by WhatsApp on KSATRIA: "
        "+60 10-528 8040, 24 hours."),
    "hotline_kp2mi_crisis_centre": _l(
        "KP2MI crisis center for migrant workers, 24 hours: 0800-1000 (free, in Indonesia). From abroad: +62 21 2924 "
        "4800."),
    "hotline_kp2mi_crisis_centre_abroad": _l(
        "From abroad, call the KP2MI crisis center on +62 21 2924 4800 (in Indonesia 0800-1000, free, 24 hours), or "
        "go to the Indonesian embassy or consulate (KBRI/KJRI)."),
    "hotline_kp2mi_whatsapp": _l(
        "KP2MI takes complaints by WhatsApp: +62 811-8080-141."),
    "hotline_police_110": _l(
        "Police: call 110. It is free, 24 hours, anywhere in Indonesia, and goes to the nearest police station."),
    "hotline_sapa_129": _l(
        "Violence against women or children: SAPA 129 (KemenPPPA), phone 129 or WhatsApp 08111-129-129."),
    "hotline_taiwan_1955": _l(
        "In Taiwan call 1955: free, 24 hours, in Indonesian, for work problems and abuse."),
    "ilo_forced_labour_indicators": _l(
        "Signs of forced labour (ILO) include: deception, documents kept from you, wages withheld, debt bondage, "
        "being locked in or isolated, violence, threats and excessive overtime. One sign can be enough."),
    "ilo_no_recruitment_fees": _l(
        "The ILO's fair-recruitment principles say workers should not be charged recruitment fees or related costs. "
        "In Indonesia, UU 18/2017 Pasal 30 bars charging workers placement costs."),
    "immigration_checks_nonprocedural": _l(
        "Immigration offices delay passports for people they suspect of going to work abroad outside the official "
        "procedure."),
    "jkm_claim_heirs": _l(
        "The JKM claim is made by the heir: husband or wife, or children; if none, parents, grandparents or "
        "grandchildren, then brothers and sisters, then in-laws. Bring the BPJS card, KK, death letter and heir "
        "letter."),
    "job_fraud_complaint_category": _l(
        "Be careful: job-offer fraud is among the most common complaints. By law you pay no placement costs, so being "
        "pushed to transfer money is a warning sign. First check the job at siskop2mi.bp2mi.go.id or BP3MI."),
    "job_order_verified_sip2mi": _l(
        "A company may recruit for a job only with a recruitment permit (SIP2MI), issued after the Indonesian mission"
        " has verified the employer's job order."),
    "kdei_taipei_helps": _l(
        "Taiwan has no Indonesian embassy: KDEI Taipei (the Indonesian Trade and Economic Office) stands for Indonesia"
        " there and helps migrant workers, with a shelter, legal aid and help going home."),
    "kp2mi_ministry_2024": _l(
        "Since November 2024 migrant workers have their own ministry, the Kementerian P2MI (KP2MI); BP2MI stays on as"
        " its agency (Perpres 165 and 166/2024)."),
    "kri_tawau_area": _l(
        "The Indonesian consulate in Tawau (KRI Tawau) serves Tawau, Kunak, Lahad Datu, Kalabakan and Semporna. The "
        "rest of Sabah goes to the consulate in Kota Kinabalu (KJRI)."),
    "kur_penempatan_ntt": _l(
        "There is a KUR Penempatan loan (Kredit Usaha Rakyat) for the costs of going to work abroad: NTT province "
        "said in January 2026 that Rp78.62 billion had been lent. Ask Disnaker or BP3MI how to apply."),
    "lpk_magang_japan_check": _l(
        "For an internship (magang) in Japan, only an LPK with a Sending Organization (SO) licence may send you. "
        "Kemnaker lists them at kelembagaan.kemnaker.go.id and so.kemnaker.go.id, or ask Disnaker."),
    "ltsa_services": _l(
        "The LTSA (one-stop service centre) has desks for jobs, complaints and information, civil registration, "
        "health, immigration, police, banking and social security. In NTT the one still running in July 2025 was in "
        "Kota Kupang."),
    "malaysia_domestic_worker_age_21_45": _l(
        "Agencies in Malaysia say household workers there must be 21 to 45. Indonesia's minimum is 18."),
    "malaysia_main_destination": _l(
        "Malaysia is the main destination from NTT: 1,324 of 1,401 official placements in 2024. Many go to Sabah via "
        "Nunukan, often to palm-oil plantations."),
    "middle_east_ban_status": _l(
        "The ban on household work in the Middle East was still in force in March 2025, when KP2MI said it was "
        "preparing to reopen Saudi Arabia. Ask BP3MI or Disnaker whether it still applies."),
    "middle_east_household_ban": _l(
        "Placing domestic workers with households in Middle East countries, such as Saudi Arabia, has been banned "
        "since 2015 (Kepmenaker 260/2015). The ban still held in March 2025; ask BP3MI or Disnaker whether it still "
        "applies."),
    "middle_east_household_trafficking": _l(
        "Placing a domestic worker with a household in the Middle East is banned (Kepmenaker 260/2015; still so in "
        "March 2025) and treated as trafficking. If someone offers you such a job, you can report it."),
    "missing_relative_data": _l(
        "To search for a missing relative abroad, have ready: full name (and other names), passport number, visa, "
        "sending company, contract, country, last address, employer's name, date of last contact, and your KTP and "
        "KK."),
    "missing_relative_police_report": _l(
        "A police report from the family may be needed before Kemlu can search for a missing relative."),
    "missing_relative_route": _l(
        "A missing-relative case goes from Disnaker or BP3MI to KP2MI, then to Kemlu (PWNI), then to the embassy. You"
        " can also report it here."),
    "missions_in_malaysia": _l(
        "In Malaysia, Indonesia's embassy is in Kuala Lumpur (KBRI) and its consulates are in Penang, Kuching, Johor "
        "Bahru, Kota Kinabalu (KJRI) and Tawau (KRI, for Lahad Datu and eastern Sabah)."),
    "ntt_deaths_mostly_nonprocedural": _l(
        "Almost all NTT workers who died abroad had left without the official procedure: 120 of 125 in 2024, most of "
        "them in Malaysia. Go through Disnaker or the LTSA."),
    "ntt_ltsa_kota_kupang_only": _l(
        "NTT formed four LTSAs (Kota Kupang, Kabupaten Kupang, Sikka, Sumba Barat Daya), but in July 2025 only the "
        "one in Kota Kupang was still running."),
    "opp_at_bp3mi": _l(
        "Completing your documents, the pre-departure orientation (OPP) and biometrics are done at BP3MI, through "
        "SiskoP2MI."),
    "p3mi_needs_sip3mi": _l(
        "A legal placement company (P3MI) must hold a SIP3MI licence from the Ministry P2MI. Check it at "
        "siskop2mi.bp2mi.go.id."),
    "passport_disnaker_recommendation": _l(
        "A passport for work is free for a migrant worker. Since 2023 the rules no longer require a Disnaker "
        "recommendation, but some immigration offices still ask for one: ask Disnaker first."),
    "passport_free_first_pmi": _l(
        "A passport for a migrant worker is free (Rp0)."),
    "passport_renewal_abroad": _l(
        "Abroad, renew or replace your passport yourself at the Indonesian embassy or consulate (KBRI/KJRI; in "
        "Taiwan, KDEI Taipei). If it is lost, bring a police report of the loss."),
    "perban9_2020_costs_not_charged": _l(
        "Under the earlier rule (Perban 9/2020), the 10 zero-cost jobs paid nothing for tickets, visa, training, "
        "certificate, company fee, passport, SKCK, BPJS, medical tests, transport or lodging: the employer paid most. "
        "It changed in 2025: ask BP3MI or Disnaker."),
    "perban9_2020_revised_2025": _l(
        "Perban BP2MI 9/2020 is the earlier cost rule; Permen P2MI 17/2025 revised it. Ask BP3MI for today's costs."),
    "perban9_2020_ten_jobs": _l(
        "10 jobs have no placement costs for the worker (Perban BP2MI 9/2020): housekeeper, baby carer, elderly "
        "carer, cook, family driver, gardener, child carer, cleaner, farm or plantation worker, fishing-boat crew."),
    "perban9_2020_who_pays": _l(
        "Under the earlier rule (Perban 9/2020), for the 10 zero-cost jobs the employer paid most costs and the local "
        "government (Pemda) paid for training and the certificate. It changed in 2025: ask BP3MI or Disnaker."),
    "permen_p2mi_17_2025_exists": _l(
        "A newer rule on placement costs exists: Permen P2MI 17/2025. Before you pay anything, confirm the current "
        "costs at BP3MI, the LTSA or Disnaker."),
    "placement_agreement_at_ltsa": _l(
        "The placement agreement (Perjanjian Penempatan) is signed at the LTSA."),
    "placement_bodies_pasal49": _l(
        "Only three may place migrant workers (UU 18/2017 Pasal 49): the government agency, a licensed company "
        "(P3MI), and a company sending its own staff."),
    "placement_schemes": _l(
        "Official ways to work abroad: through a licensed company (P3MI), government schemes (G to G, G to P), or "
        "on your own (perseorangan). In 2023, 79 in 100 went through a P3MI. A calo is not an official way."),
    "pmi_minimum_age_18": _l(
        "You must be at least 18 years old to work abroad as a migrant worker (UU 18/2017 Pasal 5)."),
    "pmi_requirements_pasal5": _l(
        "To work abroad you must be at least 18, have the skills for the job, be healthy in body and mind, be "
        "registered with social security (BPJS) and have complete documents (UU 18/2017 Pasal 5)."),
    "pmi_who_counts_pasal4": _l(
        "By law (UU 18/2017 Pasal 4) migrant workers are people who work for a company, for a household (such as "
        "domestic workers), and ship or fishing crew (ABK). Students, refugees and the self-employed are not."),
    "register_disnaker_ltsa_siapkerja": _l(
        "To start, register at your district labour office (Disnaker) or the LTSA, through SIAPkerja."),
    "registration_kk": _l(
        "The family card (KK) is also among the documents a prospective migrant worker needs."),
    "registration_ktp_ijazah_akta": _l(
        "To register you also need your KTP, school diploma (ijazah) and birth certificate (akta lahir)."),
    "report_to_mission_promptly": _l(
        "Kemlu asks that a citizen in trouble abroad be reported straight to the Indonesian embassy or consulate "
        "(KBRI/KJRI), without delay, not only posted on social media."),
    "right_communication": _l(
        "You have the right to access to communication, such as your phone (UU 18/2017 Pasal 6)."),
    "right_contract_explanation": _l(
        "You have the right to have your work contract explained to you (UU 18/2017 Pasal 6), and to a copy of it."),
    "right_correct_information": _l(
        "You have the right to correct information about jobs, the placement procedure and working conditions (UU "
        "18/2017 Pasal 6)."),
    "right_document_copies": _l(
        "You have the right to a copy of your documents and of your work contract (UU 18/2017 Pasal 6)."),
    "right_hold_travel_documents": _l(
        "No one else should keep your passport: under UU 18/2017 Pasal 6 you have the right to hold your own travel "
        "documents while you work. Keeping a worker's documents is a sign of forced labour (ILO)."),
    "right_legal_aid": _l(
        "You have the right to legal aid (UU 18/2017 Pasal 6)."),
    "right_safe_return": _l(
        "A safe return home is your right (UU 18/2017 Pasal 6). Abroad, contact the Indonesian embassy or consulate, "
        "or the KP2MI crisis center: +62 21 2924 4800."),
    "right_wages": _l(
        "You have the right to wages at the standard of the country where you work (UU 18/2017 Pasal 6). If your "
        "wages are not paid, you can report it to the embassy or the crisis center."),
    "right_worship_association": _l(
        "You have the right to freedom of worship and of association (UU 18/2017 Pasal 6)."),
    "safe_travel_panic_button": _l(
        "Kemlu's Safe Travel app has a panic button that alerts the nearest Indonesian embassy or consulate, and lets"
        " you register your stay (lapor diri)."),
    "singapore_agency_fee_cap": _l(
        "In Singapore an agency may charge a worker at most one month's salary for each year of the contract, never "
        "more than two months' salary. By Indonesian law you may not be charged placement costs."),
    "siskop2mi_check_company": _l(
        "Check whether a placement company is legal at siskop2mi.bp2mi.go.id, and visit its office in person."),
    "siskop2mi_vacancies": _l(
        "Verified job vacancies are listed at siskop2mi.bp2mi.go.id/lowongan/list. Teman Migran does not recruit "
        "workers."),
    "splp_travel_document": _l(
        "Without a passport you can still go home: the Indonesian embassy (KBRI) or consulate (KJRI) can give you an "
        "SPLP, a travel letter in place of a passport."),
    "village_role_pasal42": _l(
        "Your village government passes on job information, checks and records prospective workers' data, helps with "
        "civil documents, and monitors departures and returns (UU 18/2017 Pasal 42)."),
    "work_contract_contents": _l(
        "A work contract must state at least: employer and worker, the job, rights and duties, hours, wage and how it"
        " is paid, leave and rest, facilities and insurance, duration, and safety (UU 18/2017 Pasal 15)."),
    "work_visa_required": _l(
        "Working abroad needs a work visa (UU 18/2017 Pasal 13): you may not work on a tourist or visit visa."),
    "zero_placement_cost_pasal30": _l(
        "By law you may not be charged placement costs (UU 18/2017 Pasal 30). Never pay a calo or sponsor, or into a "
        "personal account. Before you pay anything, ask BP3MI or Disnaker."),
}

# fact id -> the other fact ids an answer relies on (its sources), when it states more than its own fact.
FACT_ANSWER_FACTS: dict[str, tuple[str, ...]] = {
    "bp3mi_ntt_complaints_2025": ("bp3mi_ntt_roles",),
    "bp3mi_p4mi_verify_vacancies": ("bp3mi_ntt_roles",),
    "bpjs_covers_risks": ("bpjs_jkk_jkm_compulsory_jht_optional",),
    "bpjs_jkk_jkm_compulsory_jht_optional": ("pmi_requirements_pasal5",),
    "bpjs_jkm_death_cover": ("bpjs_jkk_jkm_compulsory_jht_optional", "bpjs_only_if_registered", "bp3mi_ntt_roles",),
    "calo_may_not_place": ("placement_bodies_pasal49", "register_disnaker_ltsa_siapkerja",),
    "calo_penalty_figures": ("calo_may_not_place",),
    "cambodia_myanmar_not_placement": ("bp3mi_p4mi_verify_vacancies",),
    "complaint_channels": ("bp3mi_ntt_roles", "government_protects_all_pmi",),
    "contract_language_understood": ("right_contract_explanation",),
    "documents_pasal13": ("registration_ktp_ijazah_akta", "registration_kk", "consent_letter_village_head", "work_visa_required",),
    "hk_agency_commission_10pct": ("zero_placement_cost_pasal30",),
    "hk_rest_day_weekly": ("complaint_channels",),
    "hotline_kp2mi_crisis_centre": ("hotline_kp2mi_crisis_centre_abroad",),
    "hotline_kp2mi_crisis_centre_abroad": ("hotline_kp2mi_crisis_centre",),
    "ilo_no_recruitment_fees": ("zero_placement_cost_pasal30",),
    "job_fraud_complaint_category": ("zero_placement_cost_pasal30", "siskop2mi_vacancies", "bp3mi_p4mi_verify_vacancies",),
    "lpk_magang_japan_check": ("register_disnaker_ltsa_siapkerja",),
    "ltsa_services": ("ntt_ltsa_kota_kupang_only",),
    "middle_east_household_ban": ("middle_east_ban_status",),
    "middle_east_household_trafficking": ("middle_east_household_ban", "middle_east_ban_status",),
    "ntt_deaths_mostly_nonprocedural": ("register_disnaker_ltsa_siapkerja",),
    "p3mi_needs_sip3mi": ("siskop2mi_check_company",),
    "perban9_2020_costs_not_charged": ("perban9_2020_ten_jobs", "perban9_2020_revised_2025", "perban9_2020_who_pays",),
    "perban9_2020_who_pays": ("perban9_2020_ten_jobs", "perban9_2020_revised_2025",),
    "placement_schemes": ("calo_may_not_place",),
    "right_contract_explanation": ("right_document_copies",),
    "right_hold_travel_documents": ("ilo_forced_labour_indicators",),
    "right_safe_return": ("hotline_kp2mi_crisis_centre_abroad",),
    "right_wages": ("complaints_going_home_wages",),
    "singapore_agency_fee_cap": ("zero_placement_cost_pasal30",),
    "zero_placement_cost_pasal30": ("calo_may_not_place", "permen_p2mi_17_2025_exists",),
}

__all__ = ["FACT_ANSWERS", "FACT_ANSWER_FACTS", "_l"]
