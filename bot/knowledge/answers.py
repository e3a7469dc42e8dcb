"""Answers to information questions: short sourced pages, split for SMS, joined for WhatsApp.

Every answer is data: its pages (English msgids, translated in the `answers` catalog), the ids of the
facts it states (knowledge/facts.yml) and one or two next steps from the main menu. On SMS the first
page is sent with "Reply M for more (1/3)" (Indonesian: "Balas L untuk lanjut (1/3)"), and any of
MORE_KEYWORDS sends the next one (CONTINUE_HOOKS, merged by bot.conversation.dialogue.wire()). On WhatsApp all pages
go together, in one message when they fit in 1,000 characters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot import i18n
from bot.i18n import _l
from bot.menu import LABELS
from bot.menu import MAIN
from bot.menu import MAIN_NUMBER
from bot.turn import Turn

# What a contact types to get the next page: "L"/"LANJUT" (Indonesian) and "M"/"MORE"/"NEXT" (English).
# Both sets work in both languages; each language's prompt shows its own letter.
MORE_KEYWORDS = frozenset({"L", "LANJUT", "LANJUTKAN", "M", "MORE", "NEXT"})
WHATSAPP_LIMIT = 1000
STATE_KEY = "more"


@dataclass(frozen=True)
class Answer:
    """One answer: its pages (msgids), the facts it states, and the main-menu intents to suggest next.

    Its title is the label of the menu item that opens it (bot.menu.LABELS): one title per menu item.
    """

    pages: tuple[str, ...]
    facts: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()


# How each next step is offered: "Reply 2 for costs". The number comes from bot.menu.MAIN_NUMBER.
NEXT_STEP_LABELS = {
    "ask_requirements": _l("%(number)s for requirements"),
    "ask_costs": _l("%(number)s for costs"),
    "verify_recruiter": _l("%(number)s to check a company"),
    "report_menu": _l("%(number)s to report a problem"),
    "ask_rights": _l("%(number)s for your rights"),
    "ask_hotline": _l("%(number)s for emergency numbers"),
    "more_menu": _l("%(number)s for more topics"),
}
REPLY_ONE = _l("Reply %(first)s.")
REPLY_TWO = _l("Reply %(first)s or %(second)s.")
MORE_PROMPT = _l("Reply M for more (%(page)s/%(pages)s)")

ANSWERS: dict[str, Answer] = {
    "ask_requirements": Answer(
        pages=(
            _l("To work abroad through the official path you must be at least 18 years old, have the "
               "skills for the job (a competence certificate), be physically and mentally healthy, be "
               "registered with social security (BPJS Ketenagakerjaan) and have complete documents."),
            _l("Documents: KTP, KK, birth certificate (akta lahir), school diploma (ijazah), marital-status "
               "letter (and buku nikah if married), a consent letter from your husband or wife, parent or "
               "guardian, known to the village head, health certificate, competence certificate, passport, "
               "work visa, placement agreement and work contract."),
        ),
        facts=(
            "pmi_minimum_age_18", "pmi_requirements_pasal5", "documents_pasal13", "consent_letter_village_head",
            "registration_ktp_ijazah_akta", "registration_kk", "work_visa_required",
        ),
        next_steps=("ask_costs", "verify_recruiter"),
    ),
    "ask_procedure": Answer(
        pages=(
            _l("Main steps:\n"
               "1. Register at the district labour office (Disnaker) or the LTSA (one-stop service centre), "
               "through SIAPkerja (the labour ministry's job website). In NTT "
               "the LTSA still running in July 2025 was in Kota Kupang.\n"
               "2. Choose a licensed company (P3MI): check it at siskop2mi.bp2mi.go.id and visit its office."),
            _l("3. The company needs a job order verified by the Indonesian mission and a recruitment permit "
               "(SIP2MI) for your job.\n"
               "4. Training, competence certificate and medical check.\n"
               "5. Passport, free for a migrant worker. Some offices still ask for a Disnaker recommendation.\n"
               "6. Sign the placement agreement at the LTSA and read your work contract."),
            _l("7. Pre-departure orientation (OPP) at BP3MI (the government office for migrant workers), work "
               "visa, then departure.\n"
               "8. When you arrive, report to the Indonesian embassy or consulate.\n"
               "Only the government, a licensed P3MI or a company sending its own staff may place workers. "
               "A calo or sponsor may not. If someone offers a shortcut, ask Disnaker or BP3MI first."),
        ),
        facts=(
            "register_disnaker_ltsa_siapkerja", "ntt_ltsa_kota_kupang_only", "p3mi_needs_sip3mi",
            "siskop2mi_check_company", "job_order_verified_sip2mi", "documents_pasal13",
            "passport_disnaker_recommendation", "placement_agreement_at_ltsa", "opp_at_bp3mi",
            "work_visa_required", "duty_report_to_mission", "placement_bodies_pasal49", "calo_may_not_place",
        ),
        next_steps=("verify_recruiter", "ask_costs"),
    ),
    "ask_costs": Answer(
        pages=(
            _l("By law you may not be charged placement costs (UU 18/2017 Pasal 30). A company may not "
               "charge you costs the employer already pays. Never pay a fee or deposit into a personal "
               "account, and never pay a calo or sponsor: they may not place workers."),
            _l("The detailed cost rule changed in 2025: Permen P2MI 17/2025 revised the earlier rule, and what "
               "it charges is not yet clear. Do not rely on amounts a recruiter tells you: before you pay "
               "anything, ask BP3MI (the government office for migrant workers), the LTSA (one-stop service "
               "centre) or Disnaker. If someone asks you for money, you can report it."),
            _l("Under the earlier rule (Perban BP2MI 9/2020), 10 jobs had no placement costs for the worker: "
               "housekeeper, baby carer, elderly carer, cook, family driver, gardener, child carer, cleaner, "
               "farm or plantation worker, and fishing-boat crew."),
            _l("In those jobs the earlier rule said the worker must not be charged for: tickets there and back, "
               "work visa, contract legalisation, training, competence certificate, company fee, passport, SKCK, "
               "social security, medical and psychological tests, local transport, or accommodation. A migrant "
               "worker's passport is free."),
        ),
        facts=(
            "zero_placement_cost_pasal30", "employer_costs_not_charged_pasal72", "calo_may_not_place",
            "permen_p2mi_17_2025_exists", "perban9_2020_revised_2025", "perban9_2020_ten_jobs",
            "perban9_2020_costs_not_charged", "passport_free_first_pmi",
        ),
        next_steps=("report_menu", "verify_recruiter"),
    ),
    "ask_rights": Answer(
        pages=(
            _l("Your rights as a migrant worker (UU 18/2017 Pasal 6) include: correct information about the "
               "job and the procedure; wages at the destination country's standard; an explanation of your "
               "contract and a copy of it and of your documents; holding your own passport while you work; "
               "access to communication, such as your phone. Abroad, the Indonesian embassy (KBRI) or consulate "
               "(KJRI) helps you, with or without papers."),
            _l("Also: freedom of worship and association, legal aid, and a safe return home. Sign a contract "
               "only in a language you understand, and keep your own copy. Your duties: obey the law, work "
               "by the contract, and report your arrival, stay and return to the Indonesian embassy or "
               "consulate."),
        ),
        facts=(
            "right_correct_information", "right_wages", "right_contract_explanation", "right_document_copies",
            "right_hold_travel_documents", "right_communication", "right_worship_association",
            "right_legal_aid", "right_safe_return", "contract_language_understood", "duty_report_to_mission",
            "government_protects_all_pmi",
        ),
        next_steps=("report_menu", "ask_hotline"),
    ),
    "ask_social_security": Answer(
        pages=(
            _l("Migrant workers must be registered with BPJS Ketenagakerjaan, the state social security for "
               "workers. Work-accident cover (JKK) and "
               "death cover (JKM) are compulsory; old-age savings (JHT) is optional."),
            _l("Since Permenaker 4/2023 it gives 21 benefits (up from 14), including cash for physical violence "
               "and rape, for a job that does not match your agreement, and for being dismissed by the employer "
               "alone. It covers only workers registered before they leave. Ask BPJS Ketenagakerjaan or BP3MI "
               "(the government office for migrant workers) how to claim."),
        ),
        facts=(
            "pmi_requirements_pasal5", "bpjs_jkk_jkm_compulsory_jht_optional", "bpjs_covers_risks",
            "bpjs_only_if_registered",
        ),
        next_steps=("ask_rights", "ask_requirements"),
    ),
    "ask_destinations": Answer(
        pages=(
            _l("Most official workers from NTT go to Malaysia (1,324 of 1,401 in 2024). Many people go to "
               "Sabah via Nunukan, often to palm-oil plantations. Almost all NTT workers who died abroad had left "
               "without the official procedure, so please go through Disnaker or the LTSA (one-stop "
               "service centre) and a licensed company."),
            _l("Household work for private employers in the Middle East has been banned since 2015 "
               "(Kepmenaker 260/2015). In 2025 the government spoke of reopening Saudi Arabia, so ask BP3MI "
               "(the government office for migrant workers) or Disnaker whether the ban still applies. An offer of household work there through a calo "
               "or on a tourist visa is a sign of trafficking."),
        ),
        facts=(
            "malaysia_main_destination", "ntt_deaths_mostly_nonprocedural", "register_disnaker_ltsa_siapkerja",
            "middle_east_household_ban", "middle_east_ban_status", "middle_east_household_trafficking",
            "work_visa_required", "calo_may_not_place",
        ),
        next_steps=("verify_recruiter", "report_menu"),
    ),
    "ask_job_vacancy": Answer(
        pages=(
            _l("Teman Migran does not recruit or place workers. Verified vacancies are listed at "
               "siskop2mi.bp2mi.go.id/lowongan/list. You can also ask BP3MI (the government "
               "office for migrant workers, for NTT in Kupang), a P4MI post or your Disnaker to check a vacancy."),
            _l("Before you apply, check that the company is licensed and has a recruitment permit (SIP2MI) "
               "for that job. Treat a vacancy from a calo or from social media as unverified until you have "
               "checked it."),
        ),
        facts=(
            "siskop2mi_vacancies", "bp3mi_p4mi_verify_vacancies", "bp3mi_ntt_roles", "job_order_verified_sip2mi",
            "p3mi_needs_sip3mi", "calo_may_not_place",
        ),
        next_steps=("verify_recruiter", "ask_costs"),
    ),
    "ask_warning_signs": Answer(
        pages=(
            _l("Be careful if someone: asks you for a fee up front; offers a loan to be paid back from your "
               "wages; keeps your KTP, passport or other documents; promises a job but the contract says "
               "something else; or gives you no written contract."),
            _l("Also be careful if you are told to travel as a tourist (work needs a work visa), to hide the "
               "real purpose of your trip from officials, or if you are offered household work in the Middle "
               "East. Even one of these signs can point to forced labour or trafficking. Do not borrow money "
               "to pay an agency."),
        ),
        facts=(
            "zero_placement_cost_pasal30", "ilo_forced_labour_indicators", "hk_labour_safe_migration_advice",
            "right_hold_travel_documents", "documents_pasal13", "work_visa_required",
            "immigration_checks_nonprocedural", "middle_east_household_ban", "middle_east_household_trafficking",
        ),
        next_steps=("report_menu", "ask_hotline"),
    ),
    "ask_return_home": Answer(
        pages=(
            _l("If you are abroad and want to come home or are in trouble, contact the Indonesian embassy or "
               "consulate (KBRI or KJRI), or the Crisis Center KP2MI: +62 21 2924 4800 from abroad, 0800-1000 in "
               "Indonesia. A safe return is your right. BP3MI NTT (the government office for migrant "
               "workers, in Kupang) receives deported workers and handles complaints."),
            _l("Prepare: your passport or any ID, your work contract, your visa, the employer's name and "
               "address, and the name of the company that sent you. If your wages were not paid, you can "
               "report it to the embassy or the Crisis Center KP2MI before you leave."),
        ),
        facts=(
            "right_safe_return", "hotline_kp2mi_crisis_centre", "hotline_kp2mi_crisis_centre_abroad",
            "bp3mi_ntt_roles", "case_documents_to_prepare", "complaints_going_home_wages", "right_wages",
        ),
        next_steps=("report_menu", "ask_hotline"),
    ),
    "ask_hotline": Answer(
        pages=(
            # Said as is only when nothing tells where the person is; bot.knowledge.emergency answers by place.
            _l("In Indonesia call police 110. Abroad call the local emergency number (Malaysia: 999).\n"
               "Crisis Center KP2MI (ministry for migrant workers), 24 hours: 0800-1000 free in Indonesia, "
               "+62 21 2924 4800 from abroad. WhatsApp +62 811-8080-141.\n"
               "Kemlu (foreign ministry) help for Indonesians abroad, 24 hours: +62 812 9007 0027.\n"
               "Violence against women or children: SAPA 129, WhatsApp +62 811-1129-129."),
        ),
        facts=(
            "hotline_police_110", "emergency_malaysia_999", "hotline_kp2mi_crisis_centre",
            "hotline_kp2mi_crisis_centre_abroad", "hotline_kp2mi_whatsapp", "hotline_kemlu_pwni", "hotline_sapa_129",
        ),
        next_steps=("report_menu",),
    ),
    "greet": Answer(
        pages=(
            _l("Hello, welcome to Teman Migran: information for migrant workers and their families "
               "about working abroad safely. We do not recruit or place workers."),
        ),
    ),
    "help_menu": Answer(
        pages=(_l("Teman Migran can help you with these topics."),),
    ),
    "thanks_goodbye": Answer(
        # bot.knowledge.hotline says it with the danger line for where the person is (bot.hotlines.short_line).
        pages=(_l("Thank you for contacting Teman Migran. Take care. Reply MENU at any time."),),
    ),
    "out_of_scope": Answer(
        pages=(
            _l("Sorry, I did not understand. I can give information on requirements, costs, your rights, "
               "the official procedure, jobs, going home and emergency numbers, and I can take a report of "
               "a problem. Reply MENU to see the topics, or write a short question, for example: costs."),
        ),
    ),
}

INFORMATION_ANSWERS = (
    "ask_requirements", "ask_procedure", "ask_costs", "ask_rights", "ask_social_security",
    "ask_destinations", "ask_job_vacancy", "ask_warning_signs", "ask_return_home", "ask_hotline",
)


def facts_for(intent: str) -> list[str]:
    """Return the ids of the facts the answer to `intent` states."""
    return list(ANSWERS[intent].facts)


def is_more_keyword(text: str) -> bool:
    """Return True when `text` asks for the next page (L, LANJUT, M, MORE, NEXT; any case)."""
    return text.strip().strip(".!").upper() in MORE_KEYWORDS


def next_steps_line(locale: str, intents: tuple[str, ...]) -> str:
    """Render "Reply 2 for costs." for the answer's next steps that are in the main menu."""
    steps = [
        i18n.render(locale, NEXT_STEP_LABELS[intent], number=MAIN_NUMBER[intent])
        for intent in intents
        if intent in MAIN_NUMBER and intent in NEXT_STEP_LABELS
    ][:2]
    if not steps:
        return ""
    if len(steps) == 1:
        return i18n.render(locale, REPLY_ONE, first=steps[0])
    return i18n.render(locale, REPLY_TWO, first=steps[0], second=steps[1])


def render_sms_page(locale: str, intent: str, page: int) -> str:
    """Render page `page` (1-based) of an answer as one SMS, with its "more" or next-step line."""
    spec = ANSWERS[intent]
    total = len(spec.pages)
    lines = [i18n.render(locale, spec.pages[page - 1])]
    if page < total:
        lines.append(i18n.render(locale, MORE_PROMPT, page=page, pages=total))
    else:
        footer = next_steps_line(locale, spec.next_steps)
        if total > 1:
            footer = f"({page}/{total}) {footer}".strip()
        if footer:
            lines.append(footer)
    return "\n".join(lines)


def render_whatsapp(locale: str, intent: str, start: int = 1) -> list[str]:
    """Render an answer from page `start` as WhatsApp messages: one if it fits, else split between pages."""
    spec = ANSWERS[intent]
    blocks = [i18n.render(locale, msgid) for msgid in spec.pages[start - 1:]]
    title = LABELS.get(intent)
    if title and start == 1:
        blocks[0] = f"*{i18n.render(locale, title)}*\n{blocks[0]}"
    footer = next_steps_line(locale, spec.next_steps)
    if footer:
        blocks[-1] = f"{blocks[-1]}\n\n{footer}"
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if current and len(candidate) > WHATSAPP_LIMIT:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def answer(turn: Turn, intent: str) -> None:
    """Say the answer to `intent`: its first page on SMS (remembering the rest), all of it on WhatsApp."""
    turn.state.pop(STATE_KEY, None)
    if ANSWERS[intent].next_steps:
        # The "Reply 2 for costs" hints use main-menu numbers, so a number sent next picks from the main menu.
        turn.state["menu"] = MAIN
    if turn.is_sms:
        _say_sms_page(turn, intent, 1)
    else:
        for text in render_whatsapp(turn.locale, intent):
            turn.say_text(text)


def continue_answer(turn: Turn) -> bool:
    """Say the next page of the answer in progress; return False when there is nothing to continue."""
    more: Any = turn.state.pop(STATE_KEY, None)
    if not isinstance(more, dict) or more.get("intent") not in ANSWERS:
        return False
    intent = more["intent"]
    try:
        page = int(more.get("page", 0))
    except (TypeError, ValueError):
        return False
    if not 1 <= page <= len(ANSWERS[intent].pages):
        return False
    if turn.is_sms:
        _say_sms_page(turn, intent, page)
    else:
        for text in render_whatsapp(turn.locale, intent, start=page):
            turn.say_text(text)
    return True


def continue_hook(turn: Turn, word: str) -> bool:
    """Continue the pending answer when `word` is one of MORE_KEYWORDS (the dialogue's CONTINUE_HOOKS)."""
    return is_more_keyword(word) and continue_answer(turn)


def _say_sms_page(turn: Turn, intent: str, page: int) -> None:
    turn.say_text(render_sms_page(turn.locale, intent, page))
    if page < len(ANSWERS[intent].pages):
        turn.state[STATE_KEY] = {"intent": intent, "page": page + 1}


# What bot.conversation.dialogue.wire() merges. greet and help_menu stay with the dialogue's welcome (which shows the menu).
INTENT_HANDLERS: dict[str, Callable[[Turn], Any]] = {
    intent: partial(answer, intent=intent) for intent in (*INFORMATION_ANSWERS, "out_of_scope")
}
CONTINUE_HOOKS = [continue_hook]
