"""The rules an agreement must pass when it is made and again at its last signature.

- Eligibility: every hard rule of the shortlist except remaining days (``brokering.eligibility``),
  for a leader the request's organisation may broker (associated with it, or commissioned for the
  request), whose home school has agreed the release for the academic year of ``starts_on``.
- Capacity (docs/api.md): when the agreement is made, its days (a half day or twilight 0.5) may not
  exceed the leader's ``remaining`` in the academic year of ``starts_on`` (remaining = released −
  committed, and committed counts agreements awaiting signatures, so making an agreement reserves
  its days). At the last signature: the days of the leader's *signed* agreements that year, this
  one included, may not exceed the days released (docs/rules.md: "Days committed in signed
  agreements must never exceed the days released"). A coordinator's recorded reason passes the
  capacity rule only. The figures are the capacity ledger's (``syslead.capacity.ledger``);
  callers hold its ``lock_leader_capacity`` while they check and write.
- Length: "as a guide, no less than one term and no more than six terms" — shorter than
  ``MIN_LENGTH_WEEKS`` weeks, or longer than two years, asks for a justification.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from syslead.brokering.eligibility import Rule, RuleFailure, hard_rule_failures
from syslead.brokering.facts import considered_leaders, leader_facts, request_facts
from syslead.brokering.models import SupportRequest
from syslead.capacity.days import days_words, number_text
from syslead.capacity.ledger import leader_capacity, remaining_days, signed_days
from syslead.core.academic_years import terms_between
from syslead.core.exceptions import RuleViolation
from syslead.deployments.models import Deployment
from syslead.leaders.models import LeaderProfile, ReleaseAgreement

#: "No less than one term": a school term lasts 11 to 14 weeks, so a partnership under 10 weeks
#: (a half term, a diagnostic visit) is shorter than a term, while a whole spring term is not.
MIN_LENGTH_WEEKS = 10
#: "No more than six terms": two academic years.
MAX_TERMS = 6
MAX_LENGTH_MONTHS = 24


# Eligibility -------------------------------------------------------------------------------------


def eligibility_failures(
    support_request: SupportRequest, leader: LeaderProfile, academic_year: str
) -> tuple[bool, list[RuleFailure]]:
    """(considered, failures): whether the request's organisation may broker the leader at all
    (associated or commissioned), and every hard rule but remaining days the leader fails."""
    facts = leader_facts(considered_leaders(support_request).filter(id=leader.pk), academic_year)
    if not facts:
        return False, []
    failures = hard_rule_failures(
        facts[0], request_facts(support_request), skip={Rule.REMAINING_DAYS}
    )
    return True, failures


def check_eligibility(
    support_request: SupportRequest, leader: LeaderProfile, academic_year: str
) -> None:
    """Raise RuleViolation naming the first rule the leader fails for the request (every failure
    is in the message); the release must exist for ``academic_year``."""
    name = leader.user.get_full_name()
    considered, failures = eligibility_failures(support_request, leader, academic_year)
    if not considered:
        raise RuleViolation(
            f"{name} is not associated with {support_request.organisation.name} and has not been "
            "commissioned for this request, so it cannot broker them.",
            rule="not_considered",
        )
    if failures:
        reasons = "; ".join(f.message for f in failures)
        raise RuleViolation(
            f"{name} fails a hard rule of the shortlist: {reasons}.", rule=str(failures[0].rule)
        )
    if not ReleaseAgreement.objects.filter(leader=leader, academic_year=academic_year).exists():
        raise RuleViolation(
            f"{leader.home_school.name} has not agreed how many days it releases {name} in "
            f"{academic_year}: the home school must agree the release first.",
            rule="no_release",
        )


# Capacity ----------------------------------------------------------------------------------------


def remaining_for(
    leader: LeaderProfile, academic_year: str, deployment: Deployment | None
) -> Decimal:
    """The leader's remaining days in the year, not counting ``deployment`` itself (when it is
    already among the committed, e.g. an agreement being edited): the ledger's figure."""
    return remaining_days(leader, academic_year, deployment)


def capacity_message(name: str, available: Decimal, academic_year: str, days: Decimal) -> str:
    return (
        f"Capacity: {name} has {days_words(max(available, Decimal(0)))} remaining in "
        f"{academic_year} and this agreement needs {number_text(days)}."
    )


def capacity_shortfall_at_creation(
    leader: LeaderProfile,
    academic_year: str,
    days: Decimal,
    deployment: Deployment | None = None,
) -> str | None:
    """Why the days do not fit the leader's remaining days (None when they fit)."""
    available = remaining_for(leader, academic_year, deployment)
    if days <= available:
        return None
    return capacity_message(leader.user.get_full_name(), available, academic_year, days)


def capacity_shortfall_at_signature(deployment: Deployment) -> str | None:
    """Why signing would take the leader's signed days past the days released (None if not)."""
    leader = deployment.leader
    year = deployment.academic_year
    released = leader_capacity(leader, year).released
    available = released - signed_days(leader, year, exclude=deployment)
    if deployment.days <= available:
        return None
    return (
        f"Capacity: {leader.user.get_full_name()} has "
        f"{days_words(max(available, Decimal(0)))} left in {year} after the agreements already "
        f"signed and this agreement needs {number_text(deployment.days)}."
    )


# Length ------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, clamped to the month's last day
    (31 August + 3 → 30 November; 30 November + 3 → 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def length_concern(starts_on: dt.date, ends_on: dt.date) -> str | None:
    """Why the agreement's length needs a justification (None when it is within the guide):
    under ``MIN_LENGTH_WEEKS`` weeks, or ending more than two years (six terms) after it
    starts."""
    if ends_on < starts_on:
        return None
    if (ends_on - starts_on).days < MIN_LENGTH_WEEKS * 7:
        return (
            "The agreement is shorter than a term: as a guide a partnership lasts no less than "
            "one term. Say why this one is shorter."
        )
    if ends_on > add_months(starts_on, MAX_LENGTH_MONTHS):
        terms = len(terms_between(starts_on, ends_on))
        return (
            f"The agreement runs into {terms} terms: as a guide a partnership lasts no more than "
            "six terms. Say why this one is longer."
        )
    return None
