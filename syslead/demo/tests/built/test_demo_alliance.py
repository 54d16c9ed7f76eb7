"""The demo's alliance business (``syslead.demo.alliance``): the KYRA Teaching School Alliance's
coordinator, signing in, finds its members with their MOUs signed, a termly meeting with its
attendance, the board with this year's targets, an action plan with one overdue action and a
budget, training invitations and delegates' feedback, and last year's annual report ready."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.alliances.models import AllianceMember, Meeting, MeetingAttendance
from syslead.boards.models import ActionItem, BoardMember, BoardRole, BudgetLine, YearTargets
from syslead.core.academic_years import AcademicYear
from syslead.leaders.models import TrainingFeedback, TrainingInvitation
from syslead.organisations.models import Organisation
from syslead.reports.models import AnnualReport, AnnualReportStatus, Audience

pytestmark = pytest.mark.django_db

COORDINATOR = "alice.hart@kyra.example"


@pytest.fixture
def kyra(built_demo: str) -> Organisation:
    return Organisation.objects.get(name="KYRA Teaching School Alliance")


@pytest.fixture
def alice(client: Client, kyra: Organisation) -> Client:
    client.force_login(User.objects.get(email=COORDINATOR))
    return client


def test_the_alliance_has_members_with_their_mou_and_a_termly_meeting_with_attendance(
    kyra: Organisation, alice: Client
) -> None:
    members = AllianceMember.objects.filter(organisation=kyra, left_on__isnull=True)
    assert 3 <= members.count() <= 6
    signed = members.exclude(mou_signed_on=None)
    assert signed.count() >= 3
    assert all(m.mou_signed_by and m.mou_version for m in signed)
    assert members.filter(is_strategic_partner=True).count() == 1
    today = timezone.localdate()
    held = Meeting.objects.get(organisation=kyra, held_on__lt=today)
    assert MeetingAttendance.objects.filter(meeting=held).count() == members.count()
    assert Meeting.objects.filter(organisation=kyra, held_on__gt=today).exists()  # next term's
    page = alice.get(reverse("alliances:alliance", args=[kyra.pk])).content.decode()
    for member in signed:
        assert member.school.name in page
    meeting_page = alice.get(reverse("alliances:meeting", args=[held.pk]))
    assert meeting_page.status_code == 200
    assert "Sent apologies" in meeting_page.content.decode()


def test_the_board_has_targets_three_actions_one_overdue_and_two_budget_lines(
    kyra: Organisation, alice: Client
) -> None:
    year = AcademicYear.current()
    assert BoardMember.objects.filter(organisation=kyra, role=BoardRole.CHAIR).count() == 1
    assert YearTargets.objects.filter(organisation=kyra, academic_year=year.label).exists()
    actions = ActionItem.objects.filter(organisation=kyra, academic_year=year.label)
    assert actions.count() == 3
    today = timezone.localdate()
    assert [a.action for a in actions if a.is_overdue(today)] == [
        "Publish the alliance's offer of support on the member schools' websites."
    ]
    assert BudgetLine.objects.filter(organisation=kyra, academic_year=year.label).count() == 2
    page = alice.get(reverse("boards:board", args=[kyra.pk])).content.decode()
    assert "1 overdue" in page
    assert "Leaders&#x27; training and network meetings" in page
    assert 'id="targets-chart-title"' in page  # the targets drawn against the records


def test_training_has_invitations_to_an_event_to_come_and_feedback_on_one_held(
    kyra: Organisation, alice: Client
) -> None:
    today = timezone.localdate()
    invitations = TrainingInvitation.objects.filter(event__organisation=kyra)
    assert invitations.exists()
    assert all(i.event.held_on > today for i in invitations)
    feedback = TrainingFeedback.objects.filter(event__organisation=kyra)
    assert feedback.exists()
    assert all(f.event.held_on < today for f in feedback)
    event = invitations.first().event  # type: ignore[union-attr]
    page = alice.get(reverse("leaders:training_event", args=[event.pk]))
    assert page.status_code == 200


def test_last_years_annual_report_is_ready_to_download(kyra: Organisation, alice: Client) -> None:
    report = AnnualReport.objects.get(organisation=kyra)
    assert report.status == AnnualReportStatus.READY
    assert report.audience == Audience.GOVERNORS
    assert report.academic_year == AcademicYear(AcademicYear.current().start_year - 1).label
    page = alice.get(f"{reverse('reports:annual')}?organisation={kyra.pk}").content.decode()
    assert reverse("reports:annual_pdf", args=[report.pk]) in page


# Loading the demo again adds nothing to the alliance, the board, training or the annual report:
# test_demo_casework.py's test_loading_the_demo_twice_adds_nothing (one second load in the suite).
