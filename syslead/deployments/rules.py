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
  capacity rule only. Callers hold ``leaders.capacity.lock_leader_capacity`` while they check and
  write.
- Length: "as a guide, no less than one term and no more than six terms" — shorter than
  ``MIN_LENGTH_WEEKS`` weeks, or longer than two years, asks for a justification.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import F, IntegerField, Sum, Value
from django.db.models.functions import Coalesce

from syslead.brokering.eligibility import Rule, RuleFailure, hard_rule_failures
from syslead.brokering.facts import considered_leaders, leader_facts, request_facts
from syslead.brokering.models import SupportRequest
from syslead.core.academic_years import terms_between
from syslead.core.exceptions import RuleViolation
from syslead.deployments.models import COMMITTED_STATUSES, SIGNED_STATUSES, Deployment
from syslead.leaders.capacity import leader_capacity
from syslead.leaders.models import LeaderProfile, ReleaseAgreement

#: "No less than one term": a school term lasts 11 to 14 weeks, so a partnership under 10 weeks
#: (a half term, a diagnostic visit) is shorter than a term, while a whole spring term is not.
MIN_LENGTH_WEEKS = 10
#: "No more than six terms": two academic years.
MAX_TERMS = 6
MAX_LENGTH_MONTHS = 24


def number_text(days: Decimal) -> str:
    """Decimal("3.0") → "3", Decimal("2.5") → "2.5"."""
    text = f"{days.quantize(Decimal('0.1')).normalize():f}"
    return "0" if text in ("-0", "") else text


def days_words(days: Decimal) -> str:
    """Decimal("1") → "1 day", Decimal("2.5") → "2.5 days"."""
    text = number_text(days)
    return f"{text} day" if text == "1" else f"{text} days"


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
    already among the committed, e.g. an agreement being edited)."""
    remaining = leader_capacity(leader, academic_year).remaining
    if deployment is not None and deployment.pk is not None:
        remaining += deployment_committed_days(deployment, academic_year)
    return remaining


def deployment_committed_days(deployment: Deployment, academic_year: str) -> Decimal:
    """The days ``deployment`` counts for in the ledger's committed column that year (0 if none)."""
    stored = (
        Deployment.objects.filter(
            pk=deployment.pk, status__in=COMMITTED_STATUSES, academic_year=academic_year
        )
        .values_list("full_days", "half_days", "twilight_sessions")
        .first()
    )
    if stored is None:
        return Decimal(0)
    full, half, twilight = stored
    return Decimal(full) + Decimal(half + twilight) / 2


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


def signed_days(leader: LeaderProfile, academic_year: str, exclude: Deployment | None) -> Decimal:
    """Days of the leader's signed (active or paused) agreements starting in the year."""
    queryset = Deployment.objects.filter(
        leader=leader, academic_year=academic_year, status__in=SIGNED_STATUSES
    )
    if exclude is not None and exclude.pk is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    totals = queryset.aggregate(
        full=Coalesce(Sum("full_days"), Value(0), output_field=IntegerField()),
        halves=Coalesce(
            Sum(F("half_days") + F("twilight_sessions")), Value(0), output_field=IntegerField()
        ),
    )
    return Decimal(totals["full"]) + Decimal(totals["halves"]) / 2


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
