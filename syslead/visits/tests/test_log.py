"""The deployment log (docs/rules.md, Records: the deployment record): hours and activities per
term, preparation included, built from the notes of visit plus other logged time, shared each term
with the broker and the headteacher."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.exceptions import NotAllowed
from syslead.core.models import Event
from syslead.deployments.models import Deployment
from syslead.notifications.models import Notification
from syslead.visits.models import (
    PREPARATION_LEAD_DAYS,
    LogActivity,
    LogShare,
    Session,
    VisitStatus,
)
from syslead.visits.selectors import deployment_log
from syslead.visits.services import log_entry_add, log_share_term
from syslead.visits.tests.factories import make_visit

AUTUMN = Term(AcademicYear(2025), "autumn")
SPRING = Term(AcademicYear(2025), "spring")


def test_the_log_merges_visits_and_other_time_in_date_order(
    leader_user: User, deployment: Deployment
) -> None:
    make_visit(deployment, date=dt.date(2025, 10, 6), status=VisitStatus.AGREED)
    make_visit(deployment, date=dt.date(2025, 11, 3), session=Session.HALF_DAY)
    make_visit(deployment, date=dt.date(2026, 1, 12))
    log_entry_add(
        actor=leader_user,
        deployment=deployment,
        date=dt.date(2025, 10, 2),
        hours=Decimal("1.5"),
        activity=LogActivity.PREPARATION,
        actions="Read the school's data and SEF",
    )
    log_entry_add(
        actor=leader_user,
        deployment=deployment,
        date=dt.date(2025, 10, 6),
        hours=Decimal(1),
        activity=LogActivity.REPORTING,
        actions="Wrote up the note of visit",
        outcomes="Shared with the head",
    )
    log = deployment_log(deployment, AUTUMN)
    assert [(row.date, row.is_visit) for row in log.rows] == [
        (dt.date(2025, 10, 2), False),
        (dt.date(2025, 10, 6), True),
        (dt.date(2025, 10, 6), False),
        (dt.date(2025, 11, 3), True),
    ]
    assert log.total_hours == Decimal("11")
    assert log.visit_hours == Decimal("8.5")
    assert log.preparation_hours == Decimal("1.5")
    assert log.other_hours == Decimal("1")
    assert log.delivered_days == Decimal("1")
    assert deployment_log(deployment, SPRING).visits == 1


def test_only_the_leader_logs_time_within_the_agreement(
    leader_user: User, client_head: User, deployment: Deployment
) -> None:
    with pytest.raises(NotAllowed):
        log_entry_add(
            actor=client_head,
            deployment=deployment,
            date=dt.date(2025, 10, 2),
            hours=Decimal(1),
            activity=LogActivity.MEETING,
            actions="x",
        )
    with pytest.raises(ValidationError) as invalid:
        log_entry_add(
            actor=leader_user,
            deployment=deployment,
            date=dt.date(2025, 9, 1),
            hours=Decimal(30),
            activity="napping",
            actions="",
        )
    assert set(invalid.value.message_dict) == {"date", "hours", "activity", "actions"}


def test_sharing_a_terms_record_tells_the_broker_and_the_headteacher(
    leader_user: User,
    client_head: User,
    coordinator: User,
    broker_lead: User,
    home_head: User,
    deployment: Deployment,
) -> None:
    make_visit(deployment, date=dt.date(2025, 10, 6))
    share = log_share_term(actor=leader_user, deployment=deployment, term=AUTUMN)
    assert share.hours == Decimal("6")
    assert (share.academic_year, share.term) == ("2025-26", "autumn")
    told = set(Notification.objects.filter(verb="log.shared").values_list("user", flat=True))
    assert told == {client_head.pk, coordinator.pk, broker_lead.pk}
    assert Event.objects.filter(verb="log.shared", subject_id=str(deployment.pk)).exists()
    assert [s.pk for s in deployment_log(deployment, AUTUMN).shares] == [share.pk]


def test_only_the_leader_shares_and_only_a_term_the_agreement_spans(
    leader_user: User, coordinator: User, deployment: Deployment
) -> None:
    with pytest.raises(NotAllowed):
        log_share_term(actor=coordinator, deployment=deployment, term=AUTUMN)
    with pytest.raises(ValidationError):
        log_share_term(
            actor=leader_user, deployment=deployment, term=Term(AcademicYear(2026), "summer")
        )
    assert not LogShare.objects.exists()


def test_preparation_can_be_logged_up_to_28_days_before_the_agreement_starts(
    leader_user: User, deployment: Deployment
) -> None:
    """Deployment Record: "time in hours (include preparation)"; a leader prepares before the
    first visit, so preparation may be dated up to PREPARATION_LEAD_DAYS before the start and
    counts in the first term's record. Other activities stay within the agreement."""
    assert PREPARATION_LEAD_DAYS == 28
    opens_on = deployment.starts_on - dt.timedelta(days=28)
    log_entry_add(
        actor=leader_user,
        deployment=deployment,
        date=opens_on,
        hours=Decimal(2),
        activity=LogActivity.PREPARATION,
        actions="Read the school's data dashboard and last inspection report",
    )
    with pytest.raises(ValidationError) as too_early:
        log_entry_add(
            actor=leader_user,
            deployment=deployment,
            date=opens_on - dt.timedelta(days=1),
            hours=Decimal(1),
            activity=LogActivity.PREPARATION,
            actions="Too early",
        )
    assert "28 days before the agreement starts" in too_early.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as not_preparation:
        log_entry_add(
            actor=leader_user,
            deployment=deployment,
            date=opens_on,
            hours=Decimal(1),
            activity=LogActivity.MEETING,
            actions="A meeting before the start",
        )
    assert set(not_preparation.value.message_dict) == {"date"}

    first_term = deployment_log(deployment, AUTUMN)
    assert [row.date for row in first_term.rows] == [opens_on]
    assert first_term.preparation_hours == Decimal("2")
    assert deployment_log(deployment, SPRING).rows == []
