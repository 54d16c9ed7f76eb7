"""Building blocks for deployment tests: leaders who pass every hard rule, requests, agreements.

Rows are made directly (not through the leaders' and brokering services) so that these tests
state exactly the facts each rule reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from syslead.accounts.models import User
from syslead.brokering.models import RequestStatus, Route, SupportRequest
from syslead.deployments.models import Deployment
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationStatus,
    DesignationType,
    LeaderPhase,
    LeaderProfile,
    ReleaseAgreement,
    Specialism,
)
from syslead.organisations.models import Organisation
from syslead.schools.models import School

#: The academic year the tests work in, and an agreement inside it (two terms, 17 weeks).
YEAR = "2026-27"
STARTS_ON = dt.date(2027, 1, 4)
ENDS_ON = dt.date(2027, 4, 30)


def designation_type(code: str = "SLE") -> DesignationType:
    found, _ = DesignationType.objects.get_or_create(
        code=code,
        organisation=None,
        defaults={"name": code, "is_exclusive": code == "LLE"},
    )
    return found


def specialism(code: str) -> Specialism:
    found, _ = Specialism.objects.get_or_create(
        code=code, organisation=None, defaults={"label": code.replace("_", " ").capitalize()}
    )
    return found


def make_leader(
    user: User,
    home_school: School,
    organisation: Organisation,
    *,
    designation: str = "SLE",
    designated_on: dt.date = dt.date(2025, 9, 1),
    specialisms: tuple[str, ...] = ("maths",),
    phases: tuple[str, ...] = ("primary",),
    core_training_completed_on: dt.date | None = dt.date(2025, 10, 1),
    is_headteacher: bool = False,
    release_days: Decimal | int | None = 10,
    academic_year: str = YEAR,
) -> LeaderProfile:
    """A leader associated with ``organisation`` who passes every hard rule for a primary maths
    request, with ``release_days`` released in ``academic_year``."""
    leader = LeaderProfile.objects.create(
        user=user,
        home_school=home_school,
        job_title="Headteacher" if is_headteacher else "Maths lead",
        is_headteacher=is_headteacher,
        years_experience=6,
        core_training_completed_on=core_training_completed_on,
    )
    leader.specialisms.set([specialism(code) for code in specialisms])
    for phase in phases:
        LeaderPhase.objects.create(leader=leader, phase=phase)
    Designation.objects.create(
        leader=leader,
        type=designation_type(designation),
        organisation=organisation,
        status=DesignationStatus.ACTIVE,
        designated_on=designated_on,
    )
    Association.objects.create(leader=leader, organisation=organisation, starts_on=designated_on)
    if release_days is not None:
        set_release(leader, release_days, academic_year)
    return leader


def set_release(leader: LeaderProfile, days: Decimal | int, academic_year: str = YEAR) -> None:
    ReleaseAgreement.objects.update_or_create(
        leader=leader,
        academic_year=academic_year,
        defaults={"days": Decimal(days), "agreed_on": dt.date(2026, 7, 1)},
    )


def make_request(
    organisation: Organisation,
    school: School,
    *,
    route: str = Route.SCHOOL,
    needs: tuple[str, ...] = ("maths",),
    days: Decimal | int = 5,
    academic_year: str = YEAR,
    status: str = RequestStatus.MATCHED,
    chosen_leader: LeaderProfile | None = None,
) -> SupportRequest:
    return SupportRequest.objects.create(
        organisation=organisation,
        school=school,
        route=route,
        status=status,
        academic_year=academic_year,
        needs=list(needs),
        phase=school.phase,
        days_requested=Decimal(days),
        summary="Raise attainment in maths at key stage 2.",
        chosen_leader=chosen_leader,
    )


def agreement_kwargs(**overrides: Any) -> dict[str, Any]:
    """The terms of a five-day agreement in 2026-27."""
    values: dict[str, Any] = {
        "starts_on": STARTS_ON,
        "ends_on": ENDS_ON,
        "full_days": 5,
        "half_days": 0,
        "aims": ["Improve the teaching of reasoning in key stage 2 maths."],
        "objectives": [
            {
                "text": "Teachers use bar models consistently in years 5 and 6.",
                "outcome": "Consistent modelling seen in every year 5 and 6 lesson observed.",
                "review_on": "2027-03-15",
                "baseline": "2 of 6 teachers model with bars.",
                "actions": "Coaching and joint planning with the maths lead.",
                "improvement": "All 6 teachers model with bars.",
                "impact": "Reasoning scores up in the spring assessments.",
            }
        ],
        "home_headteacher_name": "Hal Home-Head",
        "evaluation_strategy": "Termly review of the objectives against their baselines.",
    }
    values.update(overrides)
    return values


def refresh(deployment: Deployment) -> Deployment:
    return Deployment.objects.get(pk=deployment.pk)


def close_together(
    deployment: Deployment,
    *,
    leader: User,
    head: User,
    decider: User,
    fully_delivered: bool = True,
) -> Deployment:
    """Close an active agreement together (docs/rules.md, "Closing an agreement"): the leader's
    statement, both sign-offs and no further support, so a coordinator may complete it."""
    from syslead.deployments.services import (
        deployment_decide_further_support,
        deployment_sign_off,
        deployment_state_delivery,
    )

    deployment_state_delivery(
        actor=leader,
        deployment=deployment,
        fully_delivered=fully_delivered,
        reason="" if fully_delivered else "One day was not delivered.",
    )
    deployment_sign_off(actor=leader, deployment=deployment)
    deployment_sign_off(actor=head, deployment=deployment)
    deployment_decide_further_support(actor=decider, deployment=deployment, decision="none")
    return refresh(deployment)
