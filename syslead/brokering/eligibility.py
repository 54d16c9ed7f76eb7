"""The hard rules of matching: whether a leader may be shortlisted for a request at all.

The rules are the contract's (docs/api.md, "Requests and brokering"), in this order:

1. an active designation;
2. core training completed ("every new system leader completes core training before any
   deployment": docs/rules.md, Training);
   the broker's current agreement and code of conduct signed, when the leader is associated with
   the request's broker and it has published one (docs/rules.md, "The broker's agreement and code
   of conduct");
3. the school's phase among the leader's phases;
4. at least one specialism in common with the request's needs;
5. remaining days ≥ the days requested, in the request's academic year;
6. no conflict of interest: never the leader's own home school, never a school of the same trust
   as the home school, never a school the leader has declared a conflict with (docs/rules.md:
   Requests, Quality assurance: conflicts of interest are declared as soon as they arise).

The rules are computed by the matching engine (``syslead.brokering.engine``), for many leaders at
once; this module holds the plain facts they work on (``LeaderFacts``, ``RequestFacts``, loaded in
bulk by ``syslead.brokering.facts``) and the sentences that explain each failure, so an excluded
leader can be shown with every reason at once. ``hard_rule_failures`` checks one leader.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from syslead.leaders.constants import BUILTIN_SPECIALISMS
from syslead.schools.models import Phase


class Rule(StrEnum):
    """A hard rule's code: what ``RuleFailure.rule`` holds and the API's 409 ``rule`` names."""

    ACTIVE_DESIGNATION = "active_designation"
    CORE_TRAINING = "core_training"
    BROKER_AGREEMENT = "broker_agreement_unsigned"
    PHASE = "phase"
    SPECIALISM = "specialism"
    REMAINING_DAYS = "remaining_days"
    CONFLICT_OF_INTEREST = "conflict_of_interest"


#: Each hard rule as a failure, in a few words, for a summary of the leaders excluded (every
#: leader's own reasons say more: ``Verdict.failures``).
RULE_SUMMARIES = {
    Rule.ACTIVE_DESIGNATION: "No active designation",
    Rule.CORE_TRAINING: "Core training not completed",
    Rule.BROKER_AGREEMENT: "The broker's agreement and code of conduct not signed",
    Rule.PHASE: "Does not support the school's phase",
    Rule.SPECIALISM: "No specialism in common with the needs",
    Rule.REMAINING_DAYS: "Not enough remaining days",
    Rule.CONFLICT_OF_INTEREST: "A conflict of interest",
}


class RuleFailure(NamedTuple):
    rule: Rule
    message: str

    def __str__(self) -> str:
        return self.message


class LeaderFacts(NamedTuple):
    """What matching needs to know about one leader, in plain values (a named tuple: thousands
    are built per shortlist)."""

    id: int
    name: str
    home_school_urn: int
    home_school_name: str
    home_latitude: float | None
    home_longitude: float | None
    home_local_authority: str
    home_trust: str
    home_phase: str
    years_experience: int
    core_training_completed_on: dt.date | None
    declared_conflicts: str
    specialisms: frozenset[str]
    phases: frozenset[str]
    #: Codes of the designations that are active (e.g. ("LLE",)).
    active_designations: tuple[str, ...]
    #: Codes of the designations held but not active, for the reason in words.
    inactive_designations: tuple[str, ...]
    released_days: Decimal
    remaining_days: Decimal
    user_id: int | None = None
    email: str = ""
    #: The overall-success rating of each evaluated earlier deployment ("green", "amber", "red"),
    #: for the outcomes factor (``syslead.brokering.outcomes``).
    outcome_ratings: tuple[str, ...] = ()


class RequestFacts(NamedTuple):
    """What matching needs to know about one request and its school."""

    id: int | None
    organisation_id: int
    school_urn: int
    school_name: str
    latitude: float | None
    longitude: float | None
    local_authority: str
    trust: str
    phase: str
    needs: tuple[str, ...]
    days_requested: Decimal
    academic_year: str
    #: The leaders associated with the request's broker who have not signed its current
    #: agreement and code of conduct, and that agreement in words ("The alliance's current
    #: agreement and code of conduct (version 2)").
    unsigned_agreement: frozenset[int] = frozenset()
    agreement_words: str = ""


def phase_label(code: str) -> str:
    """A phase code in words, lower case ("primary", "all-through")."""
    try:
        return str(Phase(code).label).lower()
    except ValueError:
        return code.replace("_", " ") if code else "unknown phase"


#: Words that keep their capital inside a sentence (besides acronyms such as SEND).
PROPER_WORDS = frozenset({"English"})


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Early years" → "early years", but "English" and
    "SEND" keep their capitals (a name, an acronym)."""
    return " ".join(
        word if word in PROPER_WORDS or (len(word) > 1 and word.isupper()) else word.lower()
        for word in label.split(" ")
    )


def _word(item: str) -> str:
    """A built-in specialism code in words ("send" → "SEND"); any other code with spaces."""
    label = BUILTIN_SPECIALISMS.get(item)
    return in_sentence(label) if label is not None else item.replace("_", " ")


def words(items: Iterable[str]) -> str:
    """["maths", "english", "send"] → "maths, English and SEND"."""
    parts = [_word(item) for item in items]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@lru_cache(maxsize=2048)
def days_text(days: Decimal) -> str:
    """Decimal("7.5") → "7.5 days"; Decimal("1") → "1 day"; Decimal("3.0") → "3 days"."""
    normal = days.quantize(Decimal("0.1")).normalize()
    text = f"{normal:f}"
    return f"{text} day" if normal == 1 else f"{text} days"


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def declares_conflict_with(declared: str, school_urn: int, school_name: str) -> bool:
    """Whether a leader's declared conflicts mention the school, by URN or by full name."""
    if not declared.strip():
        return False
    if re.search(rf"(?<!\d){school_urn}(?!\d)", declared):
        return True
    name = _normalise(school_name)
    return bool(name) and f" {name} " in f" {_normalise(declared)} "


def conflict_messages(
    request: RequestFacts, *, own_school: bool, same_trust: bool, declared: bool
) -> list[RuleFailure]:
    """The conflicts of interest found (by ``engine.Verdict``) between a leader and the
    requesting school, in words."""
    failures: list[RuleFailure] = []
    if own_school:
        failures.append(
            RuleFailure(
                Rule.CONFLICT_OF_INTEREST,
                f"Conflict of interest: {request.school_name} is their own home school",
            )
        )
    elif same_trust:
        failures.append(
            RuleFailure(
                Rule.CONFLICT_OF_INTEREST,
                f"Conflict of interest: their school is in the same trust as "
                f"{request.school_name} ({request.trust})",
            )
        )
    if declared:
        failures.append(
            RuleFailure(
                Rule.CONFLICT_OF_INTEREST,
                f"Conflict of interest: they have declared a conflict with {request.school_name}",
            )
        )
    return failures


@lru_cache(maxsize=4096)
def phase_failure(phase: str, supported: frozenset[str]) -> RuleFailure:
    listed = words(sorted(phase_label(p) for p in supported)) or "no phases recorded"
    return RuleFailure(
        Rule.PHASE, f"Does not support {phase_label(phase)} schools (supports {listed})"
    )


@lru_cache(maxsize=1024)
def specialism_failure(needs: tuple[str, ...]) -> RuleFailure:
    return RuleFailure(Rule.SPECIALISM, f"No specialism in common with the needs ({words(needs)})")


TRAINING_FAILURE = RuleFailure(Rule.CORE_TRAINING, "Core training not completed")


@lru_cache(maxsize=256)
def agreement_failure(agreement_words: str) -> RuleFailure:
    return RuleFailure(
        Rule.BROKER_AGREEMENT,
        f"Has not signed {agreement_words or 'the broker agreement'}: not deployable for the "
        "broker until they do",
    )


@lru_cache(maxsize=1024)
def designation_failure(inactive: tuple[str, ...]) -> RuleFailure:
    if inactive:
        held = words(sorted(set(inactive)))
        return RuleFailure(
            Rule.ACTIVE_DESIGNATION, f"No active designation ({held} revoked or under review)"
        )
    return RuleFailure(Rule.ACTIVE_DESIGNATION, "No active designation")


@lru_cache(maxsize=4096)
def remaining_days_failure(
    remaining: Decimal, requested: Decimal, academic_year: str
) -> RuleFailure:
    return RuleFailure(
        Rule.REMAINING_DAYS,
        f"Only {days_text(max(remaining, Decimal(0)))} left in "
        f"{academic_year}; the request needs {days_text(requested)}",
    )


def hard_rule_failures(
    leader: LeaderFacts, request: RequestFacts, *, skip: Collection[Rule] = ()
) -> list[RuleFailure]:
    """Every hard rule the leader fails for the request (empty: the leader may be shortlisted),
    worked out by the matching engine (``engine.Verdict``) like every other check.

    ``skip`` leaves rules out: e.g. a deployment agreement checks every rule but remaining days,
    which it checks itself with the agreement's own days and an override.
    """
    from syslead.brokering.engine import LeaderTable, Verdict, Weights

    return list(Verdict(request, LeaderTable([leader]), Weights(), skip=skip).failures(0))
