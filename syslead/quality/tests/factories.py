"""Notes of visit for quality assurance tests, on top of the visits factories."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, Term
from syslead.deployments.models import Deployment
from syslead.evaluation.models import Evaluation
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import Visit, VisitStatus
from syslead.visits.tests.factories import make_deployment, make_leader_profile, make_visit

YEAR = AcademicYear(2025)
AUTUMN = Term(YEAR, "autumn")


def deployment_for(
    user: User, home: School, client: School, organisation: Organisation
) -> Deployment:
    leader = getattr(user, "leader_profile", None) or make_leader_profile(user, home)
    assert isinstance(leader, LeaderProfile)
    return make_deployment(leader=leader, organisation=organisation, client_school=client)


def agreed_notes(
    deployment: Deployment, count: int, *, status: str = VisitStatus.AGREED
) -> list[Visit]:
    """``count`` notes on school days of the autumn term 2025, from 6 October."""
    day = dt.date(2025, 10, 6)
    notes = []
    for _ in range(count):
        notes.append(make_visit(deployment, date=day, status=status))
        day += dt.timedelta(days=1)
    return notes


def evaluations(
    leader: LeaderProfile,
    organisation: Organisation,
    client: School,
    count: int,
    *,
    on: dt.date = dt.date(2025, 11, 3),
) -> list[Evaluation]:
    """``count`` agreements of the leader for the broker, each with its end-of-support evaluation
    submitted ``on`` (the autumn term 2025 unless given)."""
    made = []
    when = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    for _ in range(count):
        deployment = make_deployment(leader=leader, organisation=organisation, client_school=client)
        evaluation = Evaluation.objects.create(deployment=deployment)
        Evaluation.objects.filter(pk=evaluation.pk).update(submitted_at=when)
        evaluation.refresh_from_db()
        made.append(evaluation)
    return made
