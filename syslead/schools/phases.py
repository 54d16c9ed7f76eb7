"""A school's phase in the contract's vocabulary, derived from what the sources say about it.

GIAS gives a phase of education ("Primary", "Middle deemed secondary", "16 plus", "Not applicable"…)
and a type of establishment; special schools and pupil referral units have the phase "Not
applicable", so the type decides first. Where the register has no GIAS attributes (newer academies),
the phase is inferred from the age range and, failing that, from words in the school's name.
Pure functions: no database, no Django models beyond the ``Phase`` choices.
"""

from __future__ import annotations

import re

from syslead.schools.models import Phase

#: GIAS "PhaseOfEducation (name)" → phase (lower-cased, hyphens as spaces).
_GIAS_PHASES: dict[str, str] = {
    "nursery": Phase.NURSERY,
    "primary": Phase.PRIMARY,
    "middle deemed primary": Phase.MIDDLE,
    "middle deemed secondary": Phase.MIDDLE,
    "secondary": Phase.SECONDARY,
    "16 plus": Phase.POST_16,
    "all through": Phase.ALL_THROUGH,
}

#: Words in a type of establishment (or type group) that decide the phase whatever GIAS's phase is.
_SPECIAL_TYPE = re.compile(r"\bspecial\b", re.IGNORECASE)
_AP_TYPE = re.compile(r"pupil referral|alternative provision", re.IGNORECASE)
_POST_16_TYPE = re.compile(
    r"16[ -]?(?:to|-)[ -]?19|sixth form|further education|post 16", re.IGNORECASE
)
_NURSERY_TYPE = re.compile(r"nursery school", re.IGNORECASE)


def _clean(text: str | None) -> str:
    return " ".join((text or "").lower().replace("-", " ").replace("_", " ").split())


def phase_from_label(text: str | None) -> str | None:
    """A phase given as the contract's code or its label, any case ("All-through" → all_through);
    None if it is not one of them."""
    cleaned = _clean(text)
    for phase in Phase:
        if cleaned in (_clean(phase.value), _clean(phase.label)):
            return phase.value
    return _GIAS_PHASES.get(cleaned)


def phase_from_type(establishment_type: str | None, type_group: str | None = "") -> str | None:
    """The phase a type of establishment implies on its own: special, alternative provision,
    16 plus or nursery schools; None for the types whose phase GIAS gives separately."""
    for text in (establishment_type or "", type_group or ""):
        if _SPECIAL_TYPE.search(text):
            return Phase.SPECIAL
        if _AP_TYPE.search(text):
            return Phase.ALTERNATIVE_PROVISION
    if _POST_16_TYPE.search(establishment_type or ""):
        return Phase.POST_16
    if _NURSERY_TYPE.search(establishment_type or ""):
        return Phase.NURSERY
    return None


def phase_from_ages(low: int | None, high: int | None) -> str | None:
    """The phase a statutory age range implies (e.g. 4-11 primary, 9-13 middle, 11-18 secondary,
    3-18 all-through); None when the range is unknown (missing, or 0-0 as some sources write it)."""
    if low is None or high is None or high <= 0 or high < low:
        return None
    if low >= 16:
        return Phase.POST_16
    if high <= 5:
        return Phase.NURSERY
    if low <= 7 and high >= 15:
        return Phase.ALL_THROUGH
    if high <= 11:
        return Phase.PRIMARY
    if low >= 10:
        return Phase.SECONDARY
    if low >= 8 and high <= 14:
        return Phase.MIDDLE
    if high <= 13:
        return Phase.PRIMARY
    return Phase.SECONDARY


# Name patterns, tried in this order: the first that matches decides.
_NAME_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bspecial\b|\bSEN\b|\bSEMH\b|\bautis(?:m|tic)\b", re.IGNORECASE), Phase.SPECIAL),
    (
        re.compile(
            r"pupil referral|\bPRU\b|alternative|\bAP academy\b|short stay|hospital school"
            r"|tuition|reintegration|inclusion centre|education support centre",
            re.IGNORECASE,
        ),
        Phase.ALTERNATIVE_PROVISION,
    ),
    (
        re.compile(r"\ball[ -]?through\b|\b[2-5][ -]?(?:to|-)[ -]?1[89]\b", re.IGNORECASE),
        Phase.ALL_THROUGH,
    ),
    (re.compile(r"\bmiddle\b", re.IGNORECASE), Phase.MIDDLE),
    (
        re.compile(r"\bprimary\b|\binfants?'?\b|\bjunior\b|\bfirst\b|\bjuniors\b", re.IGNORECASE),
        Phase.PRIMARY,
    ),
    (
        re.compile(r"\bnursery\b|\bearly years\b|children'?s cent(?:re|er)", re.IGNORECASE),
        Phase.NURSERY,
    ),
    (
        re.compile(
            r"\bsecondary\b|\bhigh\b|\bgrammar\b|\bupper\b|\bKS[34]\b|\bgirls'?\b|\bboys'?\b",
            re.IGNORECASE,
        ),
        Phase.SECONDARY,
    ),
    (re.compile(r"sixth form|6th form|\b16[ -]?(?:to|-)[ -]?19\b", re.IGNORECASE), Phase.POST_16),
    (
        re.compile(r"\bcollege\b|\bUTC\b|university technical|studio school", re.IGNORECASE),
        Phase.SECONDARY,
    ),
    # Village and church schools without another clue are, in England, almost always primaries.
    (re.compile(r"\bvillage\b|\bchurch school\b", re.IGNORECASE), Phase.PRIMARY),
]
_ACADEMY = re.compile(r"\bacademy\b", re.IGNORECASE)


def phase_from_name(
    name: str | None, low: int | None = None, high: int | None = None
) -> str | None:
    """The phase a school's name implies ("Infant", "Junior", "First" → primary; "High",
    "Secondary", "Grammar" → secondary; "Special" → special; "Pupil Referral" → alternative
    provision…); an "Academy" with ages from 11 is secondary. None when the name says nothing."""
    for pattern, phase in _NAME_RULES:
        if pattern.search(name or ""):
            return phase
    if _ACADEMY.search(name or "") and low is not None and low >= 11:
        return Phase.SECONDARY
    return None


def phase_from_gias(
    phase_of_education: str | None,
    establishment_type: str | None = "",
    type_group: str | None = "",
    *,
    low_age: int | None = None,
    high_age: int | None = None,
    name: str | None = "",
) -> str:
    """The contract's phase for a GIAS record: the type first (special schools → special, pupil
    referral units and alternative-provision academies → alternative_provision), then GIAS's phase
    of education, then the age range, then the name; "" when nothing tells."""
    return (
        phase_from_type(establishment_type, type_group)
        or _GIAS_PHASES.get(_clean(phase_of_education))
        or phase_from_ages(low_age, high_age)
        or phase_from_name(name, low_age, high_age)
        or ""
    )


def phase_from_flags(is_primary: bool, is_secondary: bool, is_post16: bool) -> str | None:
    """The phase DfE's performance-table flags imply (primary / secondary / post-16 pupils)."""
    if is_primary and is_secondary:
        return Phase.ALL_THROUGH if is_post16 else Phase.MIDDLE
    if is_primary:
        return Phase.PRIMARY
    if is_secondary:
        return Phase.SECONDARY
    if is_post16:
        return Phase.POST_16
    return None


def phase_from_register(
    *,
    name: str,
    gias_phase: str = "",
    type_group: str = "",
    low_age: int | None = None,
    high_age: int | None = None,
    is_primary: bool = False,
    is_secondary: bool = False,
    is_post16: bool = False,
) -> str:
    """The phase of a row of the shipped register (schools_england_open_2025): its 2018 GIAS phase
    and type group when known, else the age range, the performance-table flags, then the name.

    The register lists state-funded schools only, so a school whose GIAS phase is "Not applicable"
    and that is not a special school is a pupil referral unit, an alternative-provision academy or a
    hospital school: alternative provision."""
    by_type = phase_from_type("", type_group)
    if by_type:
        return by_type
    if _clean(gias_phase) == "not applicable":
        named = phase_from_name(name, low_age, high_age)
        return named if named == Phase.SPECIAL else Phase.ALTERNATIVE_PROVISION
    return (
        _GIAS_PHASES.get(_clean(gias_phase))
        or phase_from_ages(low_age, high_age)
        or phase_from_flags(is_primary, is_secondary, is_post16)
        or phase_from_name(name, low_age, high_age)
        or ""
    )
