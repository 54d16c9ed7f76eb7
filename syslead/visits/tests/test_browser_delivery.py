"""The delivery journey in Chromium, axe-core on every page: the leader records a note of visit on
a phone, the headteacher agrees it after checking, gives the term's feedback and the
end-of-support evaluation, the leader writes the final report and the coordinator approves it
for the school to read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.calendars.school_calendar import calendar_for
from syslead.core.tests.browser_dates import fill_date
from syslead.deployments.models import Deployment
from syslead.evaluation.models import Evaluation, FinalReportStatus
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import Visit, VisitStatus
from syslead.visits.tests.factories import make_deployment

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def current(leader: LeaderProfile, alliance: Organisation, client_school: School) -> Deployment:
    """An active agreement that runs through today."""
    today = timezone.localdate()
    return make_deployment(
        leader=leader,
        organisation=alliance,
        client_school=client_school,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=10),
    )


@pytest.fixture
def as_person(browser: Browser, live_server: Any) -> Iterator[Any]:
    contexts = []

    def _open(user: User, *, phone: bool = False) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport=PHONE if phone else None
        )
        contexts.append(context)
        tab = context.new_page()
        browser_signed_in(tab, user.email)
        return tab

    yield _open
    for context in contexts:
        context.close()


def test_record_agree_feedback_evaluate_and_report(
    as_person: Any,
    transactional_db: None,
    leader_user: User,
    client_head: User,
    coordinator: User,
    current: Deployment,
) -> None:
    # The leader, on a phone in the school corridor, records the note of visit.
    leader = as_person(leader_user, phone=True)
    leader.goto(f"/deployments/{current.pk}/delivery/")
    axe_check(leader)
    leader.get_by_role("link", name="Record a note of visit").first.click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Record a note of visit")
    axe_check(leader)
    # The last school day (today, in term time): a holiday would be asked about first.
    school_day = calendar_for(current.client_school.local_authority).school_day_on_or_before(
        timezone.localdate()
    )
    fill_date(leader, "Date of visit", school_day.isoformat())
    leader.get_by_label("Half day").check()
    leader.get_by_label("Hours in school").fill("3")
    leader.get_by_label("Focus of visit").fill("Maths book scrutiny with the maths leader")
    leader.get_by_label("Progress made").fill("Agreed a consistent feedback policy.")
    first = leader.get_by_role("group", name="Action point 1")
    first.get_by_label("For").select_option("school")
    first.get_by_label("Action").fill("Maths leader to run a book look")
    fill_date(first, "Due by", (timezone.localdate() + dt.timedelta(days=7)).isoformat())
    leader.get_by_role("button", name="Send to the headteacher to agree").click()
    expect(leader.get_by_text("Waiting to be agreed")).to_be_visible()
    axe_check(leader)
    visit = Visit.objects.get()

    # The headteacher agrees it from the inbox, after checking the answer.
    head = as_person(client_head)
    head.goto("/inbox/")
    axe_check(head)
    head.get_by_role("link", name=re.compile("Agree the note of visit")).first.click()
    expect(head.get_by_role("heading", level=1)).to_contain_text("Agree the note of visit")
    axe_check(head)
    head.get_by_label("Yes, I agree it").check()
    head.get_by_role("button", name="Continue").click()
    expect(head.get_by_role("heading", level=1)).to_have_text("Check your answer")
    axe_check(head)
    head.get_by_role("button", name="Agree the note of visit").click()
    expect(head.get_by_text("You agreed the note of visit.")).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.AGREED

    # The leader signs it off.
    leader.goto(f"/visits/{visit.pk}/sign-off/")
    axe_check(leader)
    leader.get_by_role("button", name="Sign off the note").click()
    expect(leader.get_by_text("Signed off", exact=True)).to_be_visible()

    # The headteacher gives this term's feedback.
    head.goto(f"/deployments/{current.pk}/feedback/")
    axe_check(head)
    head.get_by_role("table").get_by_role("link").last.click()
    axe_check(head)
    head.get_by_label("What has been the impact").fill("Marking is consistent in KS2.")
    head.get_by_role("button", name="Send feedback").click()
    expect(head.get_by_text("Marking is consistent in KS2.")).to_be_visible()

    # The RAG grid of the progress reviews.
    head.goto(f"/deployments/{current.pk}/progress/")
    axe_check(head)

    # The headteacher evaluates: nine RAG items, then a check page.
    head.goto(f"/deployments/{current.pk}/evaluation/")
    axe_check(head)
    for group in head.get_by_role("group").all():
        radio = group.get_by_label("Green")
        if radio.count():
            radio.check()
    head.get_by_label("Your comments and evidence: 1. Progress made").fill("Year 6 books.")
    head.get_by_role("button", name="Continue").click()
    expect(head.get_by_role("heading", level=1)).to_contain_text("Check your evaluation")
    axe_check(head)
    head.get_by_role("button", name="Send the evaluation").click()
    expect(head.get_by_text("Thank you: your evaluation has been sent.")).to_be_visible()
    axe_check(head)
    assert Evaluation.objects.get().ratings.count() == 9

    # The leader writes the final report; the coordinator approves it.
    leader.goto(f"/deployments/{current.pk}/final-report/")
    axe_check(leader)
    leader.get_by_label("Summary of the work done").fill("Coaching the maths leader.")
    leader.get_by_label("Evidence of impact achieved").fill("KS2 maths up 12 points.")
    leader.get_by_role("button", name="Send for quality assurance").click()
    expect(leader.get_by_text("Waiting for quality assurance")).to_be_visible()

    broker = as_person(coordinator)
    broker.goto("/")
    broker.get_by_role("link", name=re.compile("Quality-assure")).first.click()
    axe_check(broker)
    broker.get_by_label("Approve it and send it to the school").check()
    broker.get_by_role("button", name="Send your decision").click()
    expect(broker.get_by_text("Final report approved and sent to the school.")).to_be_visible()
    assert current.final_report.status == FinalReportStatus.APPROVED

    head.goto("/")
    axe_check(head)
    head.get_by_role("link", name=re.compile("final report")).first.click()
    expect(head.get_by_text("KS2 maths up 12 points.")).to_be_visible()
    axe_check(head)


def test_errors_the_log_and_a_concern_pass_axe(
    as_person: Any,
    transactional_db: None,
    leader_user: User,
    coordinator: User,
    current: Deployment,
) -> None:
    leader = as_person(leader_user, phone=True)
    leader.goto(f"/deployments/{current.pk}/visits/new/")
    fill_date(leader, "Date of visit", "2001-01-01")
    leader.get_by_role("button", name="Add another action point").click()
    expect(leader.get_by_role("group", name="Action point 3")).to_be_visible()
    leader.get_by_role("button", name="Send to the headteacher to agree").click()
    expect(leader.get_by_text("There is a problem")).to_be_visible()
    axe_check(leader)

    leader.goto(f"/deployments/{current.pk}/log/")
    leader.get_by_label("Time (in hours)").fill("2")
    leader.get_by_label("Actions").fill("Read the school's data")
    leader.get_by_role("button", name="Add to the record").click()
    expect(leader.get_by_text("Time logged.")).to_be_visible()
    axe_check(leader)

    leader.goto(f"/deployments/{current.pk}/concerns/new/")
    axe_check(leader)
    leader.get_by_label("Safeguarding concern").check()
    leader.get_by_label("Summary").fill("A disclosure during the visit")
    leader.get_by_label("Details").fill("What was said, when and to whom.")
    leader.get_by_role("button", name="Raise the concern now").click()
    expect(leader.get_by_text("Concern raised.")).to_be_visible()
    axe_check(leader)

    broker = as_person(coordinator)
    broker.goto("/concerns/")
    axe_check(broker)
    broker.get_by_role("link", name=re.compile("A disclosure")).click()
    broker.get_by_role("button", name="Acknowledge the concern").click()
    expect(broker.get_by_text("Acknowledged", exact=True)).to_be_visible()
    axe_check(broker)
