"""The hard rules of matching: whether a leader may be shortlisted for a request at all.

The rules are the contract's (docs/api.md, "Requests and brokering"), in this order:

1. an active designation;
2. core training completed ("every new system leader completes core training before any
   deployment": the Leading Learning Forward protocol);
3. the school's phase among the leader's phases;
4. at least one specialism in common with the request's needs;
5. remaining days ≥ the days requested, in the request's academic year;
6. no conflict of interest: never the leader's own home school, never a school of the same trust
   as the home school, never a school the leader has declared a conflict with (docs/rules.md:
   Requests; the KYRA code of conduct: "declare any potential conflict of interest").

``hard_rule_failures`` checks *every* rule and returns every failure, so an excluded leader can be
shown with all the reasons at once. It works on plain facts (``LeaderFacts``, ``RequestFacts``)
loaded in bulk by ``syslead.brokering.facts`` so that a shortlist over a large organisation costs
a handful of queries, not a handful per leader.
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
    PHASE = "phase"
    SPECIALISM = "specialism"
    REMAINING_DAYS = "remaining_days"
    CONFLICT_OF_INTEREST = "conflict_of_interest"


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


def _same_trust(leader: LeaderFacts, request: RequestFacts) -> bool:
    return bool(request.trust) and (
        request.trust.strip().lower() == leader.home_trust.strip().lower()
    )


def conflict_failures(leader: LeaderFacts, request: RequestFacts) -> list[RuleFailure]:
    """Every conflict of interest between the leader and the requesting school."""
    failures: list[RuleFailure] = []
    if leader.home_school_urn == request.school_urn:
        failures.append(
            RuleFailure(
                Rule.CONFLICT_OF_INTEREST,
                f"Conflict of interest: {request.school_name} is their own home school",
            )
        )
    elif _same_trust(leader, request):
        failures.append(
            RuleFailure(
                Rule.CONFLICT_OF_INTEREST,
                f"Conflict of interest: their school is in the same trust as "
                f"{request.school_name} ({request.trust})",
            )
        )
    if declares_conflict_with(leader.declared_conflicts, request.school_urn, request.school_name):
        failures.append(
            RuleFailure(
                Rule.CONFLICT_OF_INTEREST,
                f"Conflict of interest: they have declared a conflict with {request.school_name}",
            )
        )
    return failures


@lru_cache(maxsize=4096)
def _phase_message(phase: str, supported: frozenset[str]) -> str:
    listed = words(sorted(phase_label(p) for p in supported)) or "no phases recorded"
    return f"Does not support {phase_label(phase)} schools (supports {listed})"


@lru_cache(maxsize=1024)
def _specialism_message(needs: tuple[str, ...]) -> str:
    return f"No specialism in common with the needs ({words(needs)})"


_TRAINING_FAILURE = RuleFailure(Rule.CORE_TRAINING, "Core training not completed")


def _designation_failure(inactive: tuple[str, ...]) -> RuleFailure:
    if inactive:
        held = words(sorted(set(inactive)))
        return RuleFailure(
            Rule.ACTIVE_DESIGNATION, f"No active designation ({held} revoked or under review)"
        )
    return RuleFailure(Rule.ACTIVE_DESIGNATION, "No active designation")


class HardRules:
    """The hard rules for one request, to check many leaders against it: each rule is a test
    on the leader's facts, and each distinct failure's sentence is written once (leaders share a
    few designations, sets of phases and remaining days)."""

    def __init__(self, request: RequestFacts, *, skip: Collection[Rule] = ()) -> None:
        self.request = request
        self._designation = Rule.ACTIVE_DESIGNATION not in skip
        self._training = Rule.CORE_TRAINING not in skip
        self._phase = Rule.PHASE not in skip
        self._specialism = Rule.SPECIALISM not in skip
        self._days = Rule.REMAINING_DAYS not in skip
        self._conflicts = Rule.CONFLICT_OF_INTEREST not in skip
        self._specialism_failure = RuleFailure(Rule.SPECIALISM, _specialism_message(request.needs))
        self._designation_failures: dict[tuple[str, ...], RuleFailure] = {}
        self._phase_failures: dict[frozenset[str], RuleFailure] = {}
        self._days_failures: dict[Decimal, RuleFailure] = {}
        self._shared: dict[tuple[RuleFailure, ...], tuple[RuleFailure, ...]] = {}

    def _days_failure(self, remaining: Decimal) -> RuleFailure:
        request = self.request
        return RuleFailure(
            Rule.REMAINING_DAYS,
            f"Only {days_text(max(remaining, Decimal(0)))} left in "
            f"{request.academic_year}; the request needs {days_text(request.days_requested)}",
        )

    def failures(self, leader: LeaderFacts) -> tuple[RuleFailure, ...]:
        """Every hard rule the leader fails, in the rules' order (empty: may be shortlisted)."""
        request = self.request
        found: list[RuleFailure] = []
        if self._designation and not leader.active_designations:
            inactive = leader.inactive_designations
            failure = self._designation_failures.get(inactive)
            if failure is None:
                failure = self._designation_failures[inactive] = _designation_failure(inactive)
            found.append(failure)
        if self._training and leader.core_training_completed_on is None:
            found.append(_TRAINING_FAILURE)
        if self._phase and request.phase not in leader.phases:
            phases = leader.phases
            failure = self._phase_failures.get(phases)
            if failure is None:
                failure = self._phase_failures[phases] = RuleFailure(
                    Rule.PHASE, _phase_message(request.phase, phases)
                )
            found.append(failure)
        if self._specialism and leader.specialisms.isdisjoint(request.needs):
            found.append(self._specialism_failure)
        if self._days and leader.remaining_days < request.days_requested:
            remaining = leader.remaining_days
            failure = self._days_failures.get(remaining)
            if failure is None:
                failure = self._days_failures[remaining] = self._days_failure(remaining)
            found.append(failure)
        if self._conflicts and (
            leader.home_school_urn == request.school_urn
            or leader.declared_conflicts
            or (request.trust and leader.home_trust)
        ):
            found.extend(conflict_failures(leader, request))
        # Leaders who fail alike share one tuple: fewer objects on a list of thousands.
        failures = tuple(found)
        return self._shared.setdefault(failures, failures)


def hard_rule_failures(
    leader: LeaderFacts, request: RequestFacts, *, skip: Collection[Rule] = ()
) -> list[RuleFailure]:
    """Every hard rule the leader fails for the request (empty: the leader may be shortlisted).

    ``skip`` leaves rules out: e.g. a deployment agreement checks every rule but remaining days,
    which it checks itself with the agreement's own days and an override. (Many leaders against
    one request: ``HardRules(request).failures(leader)``, the same rules.)
    """
    return list(HardRules(request, skip=skip).failures(leader))
