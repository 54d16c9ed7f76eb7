"""Release days and the organisations' release policies (docs/rules.md: Capacity: at most 15
days a year in one alliance's policy, normally no more than 20 in a local authority's; an
associated LLE at least 6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from syslead.accounts.access import (
    broker_organisation_ids,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.capacity.days import days_words
from syslead.capacity.ledger import leader_capacity
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.leaders.constants import MAX_POLICY_RELEASE_DAYS
from syslead.leaders.models import (
    CapacityPolicy,
    LeaderProfile,
    ReleaseAgreement,
)
from syslead.leaders.permissions import (
    is_home_headteacher,
    may_set_release,
)
from syslead.leaders.release_policy import release_policy
from syslead.leaders.services._helpers import (
    check_days,
    json_value,
    lock_leader,
)
from syslead.organisations.models import Organisation


@transaction.atomic
def capacity_policy_set(
    *,
    actor: User,
    organisation: Organisation,
    max_release_days: Decimal,
    min_lle_days: Decimal,
) -> CapacityPolicy:
    """An organisation's release policy: at most ``max_release_days`` a year (15 in one alliance,
    "normally not more than 20" in an LA) and an associated LLE's minimum (6). A coordinator
    or broker lead of the organisation."""
    if not (is_administrator(actor) or organisation.pk in broker_organisation_ids(actor)):
        raise NotAllowed(f"Only coordinators and broker leads of {organisation.name} may do that.")
    errors = FieldErrors()
    cap = check_days(max_release_days, "max_release_days", errors)
    minimum = check_days(min_lle_days, "min_lle_days", errors)
    if "max_release_days" not in errors and not Decimal("0") < cap <= MAX_POLICY_RELEASE_DAYS:
        errors["max_release_days"] = [
            f"The cap must be more than 0 and at most {days_words(MAX_POLICY_RELEASE_DAYS)} a year."
        ]
    if not errors and minimum > cap:
        errors["min_lle_days"] = ["The LLE minimum cannot be above the cap."]
    errors.raise_if_any()
    policy = CapacityPolicy.objects.select_for_update().filter(organisation=organisation).first()
    before = (
        {"max_release_days": str(policy.max_release_days), "min_lle_days": str(policy.min_lle_days)}
        if policy
        else None
    )
    if policy is None:
        policy = CapacityPolicy(organisation=organisation)
    policy.max_release_days = cap
    policy.min_lle_days = minimum
    policy.full_clean()
    policy.save()
    event_record(
        actor=actor,
        subject=organisation,
        verb="capacity_policy.set",
        summary=f"Release policy: up to {days_words(cap)} a year, LLE minimum "
        f"{days_words(minimum)}",
        data={"before": before, "max_release_days": str(cap), "min_lle_days": str(minimum)},
    )
    return policy


@transaction.atomic
def release_set(
    *,
    actor: User,
    leader: LeaderProfile,
    academic_year: AcademicYear,
    days: Decimal,
    agreed_on: dt.date,
    chair_consent_name: str = "",
    chair_consent_on: dt.date | None = None,
) -> ReleaseAgreement:
    """Record the days the home school releases the leader in an academic year: the home school's
    headteacher (their consent is recorded) or a coordinator of an organisation the leader is
    associated with. Refused above the strictest cap among the leader's organisations' policies
    (15 days by default) and below the days already committed; an associated LLE below their
    minimum (6) is saved but flagged."""
    if not may_set_release(actor, leader):
        raise NotAllowed(
            "Only the home school's headteacher, or a coordinator of an organisation the leader is "
            "associated with, may set the days released."
        )
    errors = FieldErrors()
    year = academic_year
    value = check_days(days, "days", errors)
    if agreed_on is None:
        errors["agreed_on"] = ["Give the date the release was agreed."]
    if chair_consent_on is not None and not (chair_consent_name or "").strip():
        errors["chair_consent_name"] = ["Name the chair of governors who consented."]
    errors.raise_if_any()

    leader = lock_leader(leader)
    policy = release_policy(leader)
    if value > policy.max_release_days:
        owner = (
            f"{policy.capped_by.name}'s policy"
            if policy.capped_by is not None
            else "the default policy"
        )
        raise RuleViolation(
            f"{days_words(value)} is above the cap: a leader may be released for at most "
            f"{days_words(policy.max_release_days)} a year under {owner}.",
            rule="release_cap",
        )
    committed = leader_capacity(leader, year).committed
    if value < committed:
        raise RuleViolation(
            f"{leader.name} already has {days_words(committed)} committed in {year.label}: "
            f"the days released cannot be lowered below that.",
            rule="release_below_committed",
        )
    below_minimum = policy.is_associated_lle and value < policy.min_lle_days

    release = ReleaseAgreement.objects.filter(leader=leader, academic_year=year.label).first()
    before = str(release.days) if release else None
    if release is None:
        release = ReleaseAgreement(leader=leader, academic_year=year.label)
    days_changed = release.pk is None or release.days != value
    release.days = value
    release.agreed_on = agreed_on
    release.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    release.below_minimum = below_minimum
    if is_home_headteacher(actor, leader):
        release.headteacher_consent_by = actor
        release.headteacher_consent_at = timezone.now()
    elif days_changed:
        # The headteacher consented to other figures: their consent must be given again.
        release.headteacher_consent_by = None
        release.headteacher_consent_at = None
    if (chair_consent_name or "").strip():
        release.chair_consent_name = chair_consent_name.strip()
        release.chair_consent_on = chair_consent_on
    release.full_clean(validate_constraints=False)
    release.save()
    event_record(
        actor=actor,
        subject=release,
        verb="release.set",
        summary=f"{leader.name} released for {days_words(value)} in {year.label}",
        data={
            "academic_year": year.label,
            "before": before,
            "days": str(value),
            "agreed_on": json_value(agreed_on),
            "headteacher_consent": release.headteacher_consent_by_id is not None,
        },
    )
    if below_minimum:
        event_record(
            actor=actor,
            subject=release,
            verb="release.below_minimum",
            summary=f"Below the LLE minimum: {days_words(value)} released, an associated "
            f"LLE is available for at least {days_words(policy.min_lle_days)} a year",
            data={"days": str(value), "minimum": str(policy.min_lle_days)},
        )
    return release
