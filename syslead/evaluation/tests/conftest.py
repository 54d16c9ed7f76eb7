"""The delivery fixtures (an active agreement and the people around it) for evaluation tests, and
an agreement with a record of every kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, Term
from syslead.deployments.models import Deployment
from syslead.evaluation.models import EvaluationItem
from syslead.evaluation.services import (
    evaluation_submit,
    feedback_submit,
    progress_review_rate,
    schedule_feedback,
)
from syslead.visits.models import ActionOwner, LogActivity, VisitStatus
from syslead.visits.services import concern_raise, log_entry_add
from syslead.visits.tests.conftest import (  # noqa: F401
    deployment,
    la_deployment,
    leader,
    named_person,
    other_head,
)
from syslead.visits.tests.factories import make_visit

AUTUMN = Term(AcademicYear(2025), "autumn")


@pytest.fixture
def evidenced(
    deployment: Deployment,  # noqa: F811
    leader_user: User,
    client_head: User,
    coordinator: User,
) -> Deployment:
    make_visit(
        deployment,
        status=VisitStatus.SIGNED_OFF,
        actions=((ActionOwner.SCHOOL, "Run a book look in Year 5", dt.date(2025, 10, 20)),),
    )
    log_entry_add(
        actor=leader_user,
        deployment=deployment,
        date=dt.date(2025, 10, 2),
        hours=Decimal(2),
        activity=LogActivity.PREPARATION,
        actions="Read the school's data dashboard",
    )
    feedback_submit(
        actor=client_head,
        feedback=schedule_feedback(deployment)[0],
        work_managed_by="Deputy head",
        days_in_school=Decimal("1.5"),
        objectives="Maths",
        school_actions="Book looks",
        leader_actions="Lesson study",
        impact="Marking is now consistent across KS2.",
    )
    first = deployment.objectives.first()
    assert first is not None
    progress_review_rate(
        actor=client_head, deployment=deployment, term=AUTUMN, ratings={first.pk: "green"}
    )
    progress_review_rate(
        actor=leader_user, deployment=deployment, term=AUTUMN, ratings={first.pk: "amber"}
    )
    evaluation_submit(
        actor=client_head,
        deployment=deployment,
        ratings=dict.fromkeys(EvaluationItem.values, "green"),
        comments={"overall_success": "Transformed our maths leadership."},
    )
    concern_raise(
        actor=leader_user,
        deployment=deployment,
        kind="safeguarding",
        summary="Confidential concern summary",
        details="Confidential concern details",
    )
    return deployment
