"""Adding many new system leaders at once (an import of a broker's records): the same rules as
``leader_create``, ``designation_create``, ``association_create`` and ``release_set`` for a leader
who has no profile yet, checked for every leader first and written in a fixed number of queries.

For a leader with no records the rules those services apply reduce to these: the coordinator may
add leaders for the organisation; the fields are valid (school, job title, specialisms, phases,
designation type and date, days and year); the designation is due for review 3 years on and its
unmet criteria are recorded, not refused; the leader is associated with the organisation from the
designation (automatically) or from today, exclusively for an exclusive type (LLE); the days
released are within the organisation's cap (nothing is committed yet) and an LLE below the
minimum is flagged. The same events are written as the one-at-a-time services write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from syslead.accounts.access import forget_roles
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.capacity.days import days_words
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import FieldErrors, NotAllowed
from syslead.core.models import Event
from syslead.leaders.constants import DEFAULT_MAX_RELEASE_DAYS, DEFAULT_MIN_LLE_DAYS
from syslead.leaders.eligibility import eligibility_check, latest_ofsted
from syslead.leaders.models import (
    Association,
    CapacityPolicy,
    Designation,
    DesignationStatus,
    DesignationType,
    LeaderPhase,
    LeaderProfile,
    ReleaseAgreement,
    Specialism,
)
from syslead.leaders.permissions import may_coordinate
from syslead.leaders.services._helpers import (
    check_days,
    check_phases,
    check_specialisms,
    default_review_on,
    json_value,
)
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@dataclass(frozen=True)
class NewLeader:
    """One leader to add: the person (an account is made when ``user`` is None) and their
    records. ``designation`` is a type code or ""; ``release_days`` None records no release."""

    email: str
    name: str
    home_school_urn: int
    job_title: str
    specialisms: Sequence[str]
    phases: Sequence[str]
    designation: str = ""
    designated_on: dt.date | None = None
    release_days: Decimal | None = None
    academic_year: AcademicYear | None = None
    user: User | None = None


def _event(actor: User, subject: Any, verb: str, summary: str, data: dict[str, Any]) -> Event:
    return Event(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        subject_type=ContentType.objects.get_for_model(type(subject)),
        subject_id=str(subject.pk),
        summary=summary[:300],
        data=data,
    )


def _types(organisation: Organisation) -> dict[str, DesignationType]:
    """Type codes (any case) the organisation may use: its own first, else the built-in ones."""
    found: dict[str, DesignationType] = {}
    for designation_type in DesignationType.objects.filter(organisation__isnull=True):
        found[designation_type.code.upper()] = designation_type
    for designation_type in DesignationType.objects.filter(organisation=organisation):
        found[designation_type.code.upper()] = designation_type
    return found


def leaders_check_many(
    *, organisation: Organisation, new: Sequence[NewLeader]
) -> dict[int, list[str]]:
    """Every problem with each new leader, by its index in ``new`` ("field: message")."""
    problems: dict[int, list[str]] = {}
    types = _types(organisation)
    urns = {item.home_school_urn for item in new}
    schools = set(School.objects.filter(urn__in=urns).values_list("urn", flat=True))
    emails = [item.email for item in new]
    have_profiles = set(
        LeaderProfile.objects.filter(user__email__in=emails).values_list("user__email", flat=True)
    )
    accounts = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    specialisms = {
        s.code: s for s in Specialism.objects.filter(organisation__isnull=True).order_by("-pk")
    } | {s.code: s for s in Specialism.objects.filter(organisation=organisation)}
    cap = _policy(organisation)[0]
    for index, item in enumerate(new):
        errors = FieldErrors()
        if item.email in have_profiles:
            errors.setdefault("user", []).append(
                f"{item.email} already has a system leader profile."
            )
        if item.user is None and item.email in accounts:
            errors.setdefault("email", []).append(f"A user with {item.email} already exists.")
        if item.home_school_urn not in schools:
            errors.setdefault("home_school", []).append(
                f"No school with URN {item.home_school_urn} in the register."
            )
        if not item.job_title.strip():
            errors.setdefault("job_title", []).append("Enter the leader's job title.")
        wanted = _codes(item.specialisms)
        unknown = [code for code in wanted if code not in specialisms]
        if unknown:
            # The one-at-a-time check words the message; it reads the same vocabulary.
            check_specialisms(unknown, {organisation.pk}, errors)
        check_phases(item.phases, errors)
        if item.designation:
            if item.designation.upper() not in types:
                errors.setdefault("type", []).append(
                    f"Unknown designation type '{item.designation}': use SLE, LLE, NLE, NLG or "
                    "one of the organisation's own."
                )
            if item.designated_on is None:
                errors.setdefault("designated_on", []).append("Give the date of designation.")
        if item.release_days is not None:
            days = check_days(item.release_days, "days", errors)
            if item.academic_year is None:
                errors.setdefault("academic_year", []).append(
                    "Give the academic year of the days released, like 2025-26."
                )
            if "days" not in errors and days > cap:
                errors.setdefault("days", []).append(
                    f"{days_words(days)} is above the cap: a leader may be released for at "
                    f"most {days_words(cap)} a year under {organisation.name}'s policy."
                )
        if errors:
            problems[index] = [f"{name}: {m}" for name, ms in errors.items() for m in ms]
    return problems


def _codes(codes: Sequence[str]) -> list[str]:
    return list(
        dict.fromkeys("_".join(str(c).strip().lower().replace("-", " ").split()) for c in codes)
    )


def _policy(organisation: Organisation) -> tuple[Decimal, Decimal]:
    policy = CapacityPolicy.objects.filter(organisation=organisation).first()
    if policy is None:
        return DEFAULT_MAX_RELEASE_DAYS, DEFAULT_MIN_LLE_DAYS
    return policy.max_release_days, policy.min_lle_days


@transaction.atomic
def leaders_create_many(
    *, actor: User, organisation: Organisation, new: Sequence[NewLeader]
) -> list[LeaderProfile] | dict[int, list[str]]:
    """Add every new leader, or none: a coordinator of the organisation (or an administrator).
    Returns the profiles in the order given, or, when any is invalid, every problem by index
    (and writes nothing)."""
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may add its leaders.")
    problems = leaders_check_many(organisation=organisation, new=new)
    if problems:
        return problems
    if not new:
        return []
    now = timezone.now()
    today = timezone.localdate()
    types = _types(organisation)
    specialisms = {s.code: s for s in Specialism.objects.filter(organisation__isnull=True)} | {
        s.code: s for s in Specialism.objects.filter(organisation=organisation)
    }
    schools = {s.urn: s for s in School.objects.filter(urn__in={n.home_school_urn for n in new})}
    minimum = _policy(organisation)[1]
    events: list[Event] = []

    # Accounts for the people who have none, with the system leader role.
    fresh = [User(email=n.email, name=n.name, date_joined=now) for n in new if n.user is None]
    for user in fresh:
        user.set_unusable_password()
    User.objects.bulk_create(fresh)
    made = iter(fresh)
    users = [n.user if n.user is not None else next(made) for n in new]
    for user in fresh:
        events.append(
            _event(
                actor,
                user,
                "user.created",
                f"Created the account for {user.email}",
                {"email": user.email, "roles": [str(Role.SYSTEM_LEADER.label)]},
            )
        )
    holders = set(
        RoleAssignment.objects.filter(user__in=users, role=Role.SYSTEM_LEADER).values_list(
            "user_id", flat=True
        )
    )
    granted = [u for u in users if u.pk not in holders]
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.SYSTEM_LEADER) for u in granted]
    )
    for user in granted:
        events.append(
            _event(
                actor,
                user,
                "role.granted",
                f"Granted {Role.SYSTEM_LEADER.label}",
                {"role": str(Role.SYSTEM_LEADER), "organisation": None, "school": None},
            )
        )
    for user in users:
        forget_roles(user)

    leaders = [
        LeaderProfile(
            user=user,
            home_school=schools[item.home_school_urn],
            job_title=item.job_title.strip(),
            created_by_organisation=organisation,
        )
        for user, item in zip(users, new, strict=True)
    ]
    LeaderProfile.objects.bulk_create(leaders)
    through = LeaderProfile.specialisms.through
    through.objects.bulk_create(
        [
            through(leaderprofile_id=leader.pk, specialism_id=specialisms[code].pk)
            for leader, item in zip(leaders, new, strict=True)
            for code in _codes(item.specialisms)
        ]
    )
    phase_rows = []
    for leader, item in zip(leaders, new, strict=True):
        for phase in check_phases(item.phases, {}):
            phase_rows.append(LeaderPhase(leader=leader, phase=phase))
    LeaderPhase.objects.bulk_create(phase_rows)
    for leader, item in zip(leaders, new, strict=True):
        events.append(
            _event(
                actor,
                leader,
                "leader.created",
                f"{leader.name} added as a system leader",
                {
                    "user": leader.user_id,
                    "home_school": item.home_school_urn,
                    "job_title": leader.job_title,
                    "specialisms": sorted(_codes(item.specialisms)),
                    "phases": check_phases(item.phases, {}),
                    "organisation": organisation.pk,
                },
            )
        )

    # Designations by the organisation, each associating the leader with it automatically.
    ofsted: dict[int, str] = {}
    designations: list[Designation] = []
    associations: list[Association] = []
    for leader, item in zip(leaders, new, strict=True):
        designation_type = types.get(item.designation.upper()) if item.designation else None
        if designation_type is not None and item.designated_on is not None:
            designations.append(
                Designation(
                    leader=leader,
                    type=designation_type,
                    organisation=organisation,
                    status=DesignationStatus.ACTIVE,
                    designated_on=item.designated_on,
                    review_on=default_review_on(item.designated_on),
                )
            )
        associations.append(
            Association(
                leader=leader,
                organisation=organisation,
                starts_on=item.designated_on
                if designation_type is not None and item.designated_on
                else today,
                is_live=True,
                exclusive=bool(designation_type and designation_type.is_exclusive),
                automatic=designation_type is not None,
            )
        )
    Designation.objects.bulk_create(designations)
    Association.objects.bulk_create(associations)
    for designation in designations:
        leader = designation.leader
        if designation.type.requires_good_or_outstanding_school:
            urn = leader.home_school_id
            if urn not in ofsted:
                ofsted[urn] = latest_ofsted(leader.home_school)[0]
        unmet = eligibility_check(
            designation.type,
            leader,
            leader.years_experience,
            ofsted_rating=ofsted.get(leader.home_school_id, ""),
        )
        events.append(
            _event(
                actor,
                designation,
                "designation.created",
                f"{leader.name} designated {designation.type.code} by {organisation.name}",
                {
                    "type": designation.type.code,
                    "organisation": organisation.pk,
                    "designated_on": json_value(designation.designated_on),
                    "review_on": json_value(designation.review_on),
                    "unmet_criteria": unmet,
                },
            )
        )
    for association in associations:
        events.append(
            _event(
                actor,
                association,
                "association.created",
                f"{association.leader.name} associated with {organisation.name}"
                + (" (by designation)" if association.automatic else ""),
                {
                    "organisation": organisation.pk,
                    "starts_on": json_value(association.starts_on),
                    "exclusive": association.exclusive,
                    "automatic": association.automatic,
                },
            )
        )

    # Days released by the home school in the year given.
    releases: list[ReleaseAgreement] = []
    lles = {a.leader.pk for a in associations if a.exclusive}
    for leader, item in zip(leaders, new, strict=True):
        if item.release_days is None:
            continue
        days = check_days(item.release_days, "days", {})
        year = item.academic_year
        assert year is not None
        releases.append(
            ReleaseAgreement(
                leader=leader,
                academic_year=year.label,
                days=days,
                agreed_on=today,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                below_minimum=leader.pk in lles and days < minimum,
            )
        )
    ReleaseAgreement.objects.bulk_create(releases)
    for release in releases:
        events.append(
            _event(
                actor,
                release,
                "release.set",
                f"{release.leader.name} released for {days_words(release.days)} in "
                f"{release.academic_year}",
                {
                    "academic_year": release.academic_year,
                    "before": None,
                    "days": str(release.days),
                    "agreed_on": json_value(release.agreed_on),
                    "headteacher_consent": False,
                },
            )
        )
        if release.below_minimum:
            events.append(
                _event(
                    actor,
                    release,
                    "release.below_minimum",
                    f"Below the LLE minimum: {days_words(release.days)} released, an "
                    f"associated LLE is available for at least {days_words(minimum)} a year",
                    {"days": str(release.days), "minimum": str(minimum)},
                )
            )
    Event.objects.bulk_create(events)
    return leaders
