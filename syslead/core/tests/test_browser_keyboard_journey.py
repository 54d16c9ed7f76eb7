"""The whole journey in Chromium by keyboard alone (WCAG 2.2, 2.1.1 Keyboard; docs/ux.md,
"Keyboard"): a headteacher asks for support; the coordinator shortlists three leaders and asks
them; a leader agrees; the headteacher chooses; the coordinator drafts the agreement through its
task list and check-your-answers page and sends it for signature; the four parties sign; the
leader records a note of visit and the headteacher agrees it. axe-core passes on every page
visited.

After ``page.goto`` of the sign-in page, every step is a key press: Tab to reach a control (each
must be reached within a few dozen presses, see ``browser_keys.tab_to``), Enter or Space to work
it, the arrow keys in radios, typing into fields. A sample of controls must show their focus."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import axe_check
from syslead.accounts.models import User
from syslead.brokering.models import RequestStatus, SupportRequest
from syslead.brokering.tests import factories
from syslead.calendars.school_calendar import calendar_for
from syslead.core.academic_years import AcademicYear
from syslead.core.tests.browser_keys import (
    arrive,
    choose_radio,
    press_on,
    sign_in,
    sign_out,
    type_date,
    type_into,
)
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import Visit, VisitStatus

pytestmark = pytest.mark.browser

SCHOOL = "Ermine Primary Academy"


@pytest.fixture
def shortlist(
    alliance: Organisation, leader_user: User, home_school: School, home_head: User
) -> list[LeaderProfile]:
    """Lee Leader of Mount Street Academy (whose headteacher is Hal) and two other maths SLEs of
    the alliance, each released 10 days this year."""
    alliance.area_names = "Lincolnshire"
    alliance.save()
    portrait = "{} has led primary maths for years and coaches new maths leads."
    lee = factories.leader(
        home_school,
        user=leader_user,
        organisation=alliance,
        pen_portrait=portrait.format("Lee Leader"),
    )
    others = [
        factories.leader(
            factories.school(f"{name.split()[1]} Academy", lat=53.30 + 0.04 * i),
            name=name,
            organisation=alliance,
            pen_portrait=portrait.format(name),
        )
        for i, name in enumerate(["Ada Adams", "Ben Brown"])
    ]
    return [lee, *others]


def _visit_day(school: School) -> dt.date:
    """A school day of this academic year, today or just before: the agreement starts on it and
    the note of visit is of it (a note may not be of a day before the agreement)."""
    today = timezone.localdate()
    calendar = calendar_for(school.local_authority)
    day = calendar.school_day_on_or_before(today)
    if AcademicYear.containing(day) != AcademicYear.current():
        day = calendar.school_day_on_or_after(today)
    return day


def test_request_to_agreed_note_of_visit_by_keyboard_alone(
    page: Page,
    client_head: User,
    client_school: School,
    coordinator: User,
    broker_lead: User,
    home_head: User,
    leader_user: User,
    shortlist: list[LeaderProfile],
) -> None:
    # The headteacher asks for support: the form's checkboxes, fields and radios by keyboard.
    sign_in(page, client_head.email, "Hello, Cara")
    press_on(page, page.get_by_role("link", name="Requests", exact=True), visible=True)
    arrive(page, "Requests for support")
    press_on(page, page.get_by_role("link", name="Ask for support"))
    arrive(page, "Ask for support")
    # Continue with nothing ticked: the error summary takes the focus, its link goes to the field.
    press_on(page, page.get_by_role("button", name="Continue"), visible=True)
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe_check(page)
    error_link = page.get_by_role("link", name="Select at least one area of support.")
    press_on(page, error_link, visible=True)
    areas = page.get_by_role("group", name="Which areas does the school need support with?")
    expect(areas.get_by_role("checkbox").first).to_be_focused()
    maths = areas.get_by_role("checkbox", name="Maths")
    press_on(page, maths, "Space", visible=True)
    expect(maths).to_be_checked()
    type_into(
        page,
        page.get_by_label("What support does the school need?"),
        "Maths leadership in Key Stage 2: our new maths lead needs coaching.",
    )
    type_into(page, page.get_by_label("How many days of support?"), "5", visible=True)
    choose_radio(page, page.get_by_role("radio", name=re.compile(r"\(this year\)")))
    press_on(page, page.get_by_label("The chair of governors agrees to this request"), "Space")
    press_on(page, page.get_by_role("button", name="Continue"))
    arrive(page, "Check your request before sending it")
    press_on(page, page.get_by_role("button", name="Send the request"), visible=True)
    arrive(page, f"Request for support: {SCHOOL}")
    sign_out(page)

    # The coordinator saves the shortlist of three and asks Lee alone (the others unticked).
    sign_in(page, coordinator.email, "Hello, Alice")
    press_on(page, page.get_by_role("link", name=f"Make a shortlist for {SCHOOL}"), visible=True)
    arrive(page, f"Request for support: {SCHOOL}")
    press_on(page, page.get_by_role("button", name="Save this shortlist"))
    expect(page.get_by_text("The shortlist has been saved.")).to_be_visible()
    arrive(page, f"Request for support: {SCHOOL}", again=True)
    asked = page.get_by_role("group", name="Which leaders should be asked?")
    for name in ("Ada Adams", "Ben Brown"):
        press_on(page, asked.get_by_role("checkbox", name=re.compile(name)), "Space")
        expect(asked.get_by_role("checkbox", name=re.compile(name))).not_to_be_checked()
    type_into(page, page.get_by_label("A message to the leaders (optional)"), "Spring term.")
    press_on(page, page.get_by_role("button", name="Ask for provisional agreement"))
    expect(page.get_by_text("Leaders approached").first).to_be_visible()
    arrive(page, f"Request for support: {SCHOOL}", again=True)
    sign_out(page)

    # Lee agrees provisionally from the home page.
    sign_in(page, leader_user.email, "Hello, Lee")
    press_on(page, page.get_by_role("link", name=f"Could you support {SCHOOL}?"))
    arrive(page, f"Could you support {SCHOOL}?")
    choose_radio(page, page.get_by_role("radio", name="Yes, I agree provisionally"))
    press_on(page, page.get_by_role("button", name="Send your answer"))
    expect(page.get_by_text("Thank you: you have agreed provisionally.")).to_be_visible()
    arrive(page, "Approaches")
    sign_out(page)

    # The headteacher compares the leaders who agreed and chooses Lee.
    sign_in(page, client_head.email, "Hello, Cara")
    press_on(page, page.get_by_role("link", name=f"Choose your system leader for {SCHOOL}"))
    arrive(page, "Choose your system leader")
    choose_radio(page, page.get_by_role("radio", name="Lee Leader"))
    press_on(page, page.get_by_role("button", name="Continue"))
    arrive(page, "Check your choice")
    press_on(page, page.get_by_role("button", name="Confirm your choice"))
    expect(page.get_by_text("You have chosen Lee Leader.")).to_be_visible()
    arrive(page, f"Request for support: {SCHOOL}", again=True)
    sign_out(page)
    support_request = SupportRequest.objects.get()
    assert support_request.status == RequestStatus.MATCHED

    # The coordinator drafts the agreement through its task list, then checks the answers.
    visit_day = _visit_day(client_school)
    sign_in(page, coordinator.email, "Hello, Alice")
    press_on(
        page,
        page.get_by_role(
            "link",
            name=f"Draft the agreement for Lee Leader at {SCHOOL} (request {support_request.pk})",
        ),
    )
    arrive(page, "Draft the agreement")
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        ("Parties", []),
        ("Dates and days", []),
        ("Aims and objectives", [("Objective 1: Agreed objective", "Bar models in years 5, 6.")]),
        ("Baseline to impact", [("Objective 1: Baseline measure", "2 of 6 teachers.")]),
        ("Evaluation", [("Evaluation strategy", "Spring assessments against the baseline.")]),
        ("Funding", []),
        ("Exit", []),
    ]
    for title, answers in sections:
        press_on(page, page.get_by_role("link", name=title, exact=True))
        arrive(page, title)
        if title == "Dates and days":
            type_date(page, page, "Agreed start date", visit_day)
        for label, text in answers:
            type_into(page, page.get_by_label(label, exact=True), text)
        press_on(page, page.get_by_role("button", name="Save and continue"))
        arrive(page, "Draft the agreement")
    expect(page.locator(".govuk-task-list__status", has_text="Completed")).to_have_count(7)
    press_on(page, page.get_by_role("link", name="Check your answers"), visible=True)
    arrive(page, "Check your answers")
    press_on(page, page.get_by_role("button", name="Make the draft agreement"))
    expect(page.get_by_text("Draft agreement made: check it, then send it")).to_be_visible()
    arrive(page, f"Lee Leader at {SCHOOL}")
    deployment = Deployment.objects.get()
    assert deployment.status == DeploymentStatus.DRAFT
    assert deployment.starts_on == visit_day

    # Nobody is asked to sign the draft until the coordinator sends it for signature
    # (docs/rules.md, "Sending an agreement for signature").
    press_on(page, page.get_by_role("link", name="Send for signature", exact=True), visible=True)
    arrive(page, "Send the agreement for signature")
    press_on(page, page.get_by_role("button", name="Send for signature"), visible=True)
    expect(page.get_by_role("status")).to_contain_text(
        "Sent for signature: the parties have been asked"
    )
    arrive(page, f"Lee Leader at {SCHOOL}", again=True)
    sign_out(page)
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.AWAITING_SIGNATURES

    # The four parties sign in turn, each from their home page.
    signers = [
        (leader_user, "Hello, Lee"),
        (home_head, "Hello, Hal"),
        (client_head, "Hello, Cara"),
        (broker_lead, "Hello, Bea"),
    ]
    for person, greeting in signers:
        sign_in(page, person.email, greeting)
        press_on(
            page, page.get_by_role("link", name=f"Sign the agreement for Lee Leader at {SCHOOL}")
        )
        arrive(page, "Sign the agreement")
        declaration = page.get_by_role("checkbox", name=re.compile("I agree to this support"))
        press_on(page, declaration, "Space", visible=True)
        expect(declaration).to_be_checked()
        press_on(page, page.get_by_role("button", name="Sign the agreement"))
        arrive(page, f"Lee Leader at {SCHOOL}")
        if person != broker_lead:
            sign_out(page)
    expect(page.get_by_text("All four parties have signed: it is active.")).to_be_visible()
    sign_out(page)
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.ACTIVE

    # Lee records the note of visit from the agreement's delivery page.
    sign_in(page, leader_user.email, "Hello, Lee")
    mine = page.get_by_role("region", name="Agreements")
    press_on(page, mine.get_by_role("link", name=SCHOOL))
    arrive(page, f"Support at {SCHOOL}")
    press_on(page, page.get_by_role("link", name="Record a note of visit").first, visible=True)
    arrive(page, "Record a note of visit")
    type_date(page, page, "Date of visit", visit_day)
    choose_radio(page, page.get_by_role("radio", name="Half day"), visible=True)
    type_into(page, page.get_by_label("Hours in school"), "3")
    type_into(page, page.get_by_label("Focus of visit"), "Maths book scrutiny")
    press_on(page, page.get_by_role("button", name="Send to the headteacher to agree"))
    expect(page.get_by_text("Waiting to be agreed").first).to_be_visible()
    arrive(page, re.compile("^Note of visit, "))
    sign_out(page)

    # Cara agrees it from her home page, after checking her answer.
    sign_in(page, client_head.email, "Hello, Cara")
    press_on(page, page.get_by_role("link", name=re.compile("^Agree the note of visit")))
    arrive(page, re.compile("^Agree the note of visit"))
    choose_radio(page, page.get_by_role("radio", name="Yes, I agree it"), visible=True)
    press_on(page, page.get_by_role("button", name="Continue"))
    arrive(page, "Check your answer")
    press_on(page, page.get_by_role("button", name="Agree the note of visit"), visible=True)
    expect(page.get_by_text("You agreed the note of visit.")).to_be_visible()
    arrive(page, re.compile("^Note of visit, "), skip=False)
    assert Visit.objects.get().status == VisitStatus.AGREED
