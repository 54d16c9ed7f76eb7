"""Whether a leader meets a designation type's criteria, in words (docs/rules.md: Designations).

The check reports; it does not refuse. Applications and designations show the unmet criteria as
warnings for the designating body to weigh: docs/rules.md (Designations) leaves the decision to its
interview and recommendation, and a broker's own designation types may be looser than the national
ones."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from syslead.leaders.constants import GOOD_OR_OUTSTANDING
from syslead.leaders.models import (
    DesignationType,
    GovernancePosition,
    GovernanceRole,
    LeaderProfile,
)
from syslead.schools.models import OfstedRating, School


def latest_ofsted(school: School) -> tuple[str, dt.date | None]:
    """The school's latest Ofsted grade on the register and its date: the most recent graded
    inspection, or the grade GIAS carries; ("", None) when the register has none."""
    found: list[tuple[str, dt.date | None]] = []
    inspection = school.inspections.order_by("-inspected_on").first()
    if inspection is not None:
        found.append((inspection.rating, inspection.inspected_on))
    if school.ofsted_rating:
        found.append((school.ofsted_rating, school.ofsted_inspected_on))
    if not found:
        return "", None
    # A dated grade beats an undated one; the later date wins.
    return max(found, key=lambda item: item[1] or dt.date.min)


def _a(code: str) -> str:
    """ "An LLE", "A TSH": an initialism takes "an" when its first letter sounds a vowel."""
    vowel_sounding = "AEFHILMNORSX" if code.isupper() else "AEIOU"
    return ("An " if code[:1].upper() in vowel_sounding else "A ") + code


def _rating_words(rating: str) -> str:
    try:
        return str(OfstedRating(rating).label).lower()
    except ValueError:
        return rating or "not known"


#: Days in a year, on average, for counting years as a chair.
_DAYS_A_YEAR = 365.25


def days_as_chair(roles: list[GovernanceRole], on: dt.date) -> int:
    """Days the record shows the person as a chair of governors up to ``on`` (a role still held
    counts to ``on``); overlapping chairs (two schools at once) count once."""
    spans = sorted(
        (r.starts_on, min(r.ends_on or on, on))
        for r in roles
        if r.role == GovernancePosition.CHAIR and r.starts_on <= on
    )
    total = 0
    current_start: dt.date | None = None
    current_end: dt.date | None = None
    for start, end in spans:
        if current_end is not None and start <= current_end:
            current_end = max(current_end, end)
            continue
        if current_start is not None and current_end is not None:
            total += (current_end - current_start).days
        current_start, current_end = start, end
    if current_start is not None and current_end is not None:
        total += (current_end - current_start).days
    return total


def years_as_chair(roles: list[GovernanceRole], on: dt.date) -> float:
    """``days_as_chair`` in years."""
    return days_as_chair(roles, on) / _DAYS_A_YEAR


def chair_criterion_unmet(
    designation_type: DesignationType, leader: LeaderProfile, on: dt.date | None = None
) -> str | None:
    """The "experienced chair of governors" criterion (NLG: ``min_years_as_chair`` years as a
    chair on the governance record) in words when it is not met; None when it is met or the type
    does not ask for it (docs/rules.md, "Designations")."""
    minimum = designation_type.min_years_as_chair
    if not minimum:
        return None
    on = on or timezone.localdate()
    # A leader not saved yet (a row of an import being checked) has no record.
    roles = list(leader.governance_roles.all()) if leader.pk else []
    years = years_as_chair(roles, on)
    if years >= minimum:
        return None
    whole = int(years)
    shown = (
        "no time as a chair of governors"
        if years == 0
        else "less than a year as a chair"
        if whole == 0
        else f"{whole} {'year' if whole == 1 else 'years'} as a chair"
    )
    return (
        f"{_a(designation_type.code)} must be an experienced chair of governors: at least "
        f"{minimum} years as a chair; the governance record shows {shown}."
    )


def eligibility_check(
    designation_type: DesignationType,
    leader: LeaderProfile,
    years: int,
    *,
    ofsted_rating: str | None = None,
) -> list[str]:
    """The type's criteria the leader does not meet, in words; empty when all are met.

    ``years`` is the experience to judge (the application's years in role, or the profile's years
    of experience). ``ofsted_rating`` is the home school's grade as evidenced (an application stores
    it when submitted); when None it is looked up from the register now.
    """
    code = designation_type.code
    unmet: list[str] = []
    minimum = designation_type.min_years_experience
    if minimum and years < minimum:
        unmet.append(
            f"{_a(code)} needs at least {minimum} years' experience"
            + (" in their field of expertise" if designation_type.excludes_headteacher else "")
            + f"; {years} {'year' if years == 1 else 'years'} given."
        )
    if designation_type.requires_headteacher and not leader.is_headteacher:
        unmet.append(f"{_a(code)} must be a headteacher; this leader is not recorded as one.")
    if designation_type.excludes_headteacher and leader.is_headteacher:
        unmet.append(
            f"{_a(code)} must be a middle or senior leader below headteacher; this leader is "
            "recorded as a headteacher."
        )
    if designation_type.requires_good_or_outstanding_school:
        rating = (
            ofsted_rating if ofsted_rating is not None else latest_ofsted(leader.home_school)[0]
        )
        if not rating:
            unmet.append(
                f"{_a(code)}'s school must be good or outstanding; the register has no Ofsted "
                "grade for the home school."
            )
        elif rating not in GOOD_OR_OUTSTANDING:
            unmet.append(
                f"{_a(code)}'s school must be good or outstanding; the home school's latest Ofsted "
                f"grade is {_rating_words(rating)}."
            )
    chair = chair_criterion_unmet(designation_type, leader)
    if chair is not None:
        unmet.append(chair)
    return unmet
