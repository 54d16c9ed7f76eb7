"""In Chromium: a coordinator opens the alliance, records who attended the spring meeting (one
member missed its second meeting in a row and is referred), then records the board's decision;
every page passes axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in, make_school
from syslead.accounts.models import User
from syslead.alliances import services
from syslead.alliances.models import AllianceMember
from syslead.core.tests.browser_dates import fill_date
from syslead.organisations.models import Organisation

pytestmark = pytest.mark.browser


def test_coordinator_records_attendance_and_the_boards_decision(
    page: Page, coordinator: User, broker_lead: User, alliance: Organisation
) -> None:
    present = make_school(180001, "Hillmorton Primary School", town="Rugby")
    absent = make_school(180002, "Brownsover Community School", town="Rugby")
    for school in (present, absent):
        services.member_add(
            actor=coordinator,
            organisation=alliance,
            school=school,
            joined_on=dt.date(2025, 9, 1),
            mou_signed_on=dt.date(2025, 7, 1),
            mou_version="2025",
            mou_signed_by="Head",
        )
    autumn = services.meeting_schedule(
        actor=coordinator, organisation=alliance, held_on=dt.date(2025, 11, 12), title="Autumn"
    )
    services.attendance_record(
        actor=coordinator, meeting=autumn, attendance={present.urn: "present"}
    )
    services.meeting_schedule(
        actor=coordinator,
        organisation=alliance,
        held_on=dt.date(2026, 2, 4),
        title="Spring meeting",
        starts_at=dt.time(16, 0),
    )

    browser_signed_in(page, coordinator.email)
    page.get_by_role("link", name="Alliance", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alliance members")
    axe_check(page)
    page.get_by_role("link", name="Termly meetings").click()
    page.goto(page.url + "?year=2025-26")
    axe_check(page)
    page.get_by_role("link", name="Spring meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring meeting")
    axe_check(page)
    page.get_by_role("link", name="Record attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record attendance")
    axe_check(page)
    page.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_text("Say whether Hillmorton Primary School attended").first).to_be_visible()
    axe_check(page)
    page.get_by_role("group", name="Did Hillmorton Primary School attend?").get_by_label(
        "Sent a representative"
    ).check()
    page.get_by_role("group", name="Did Brownsover Community School attend?").get_by_label(
        "Sent apologies"
    ).check()
    page.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_text("The attendance is recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="Referred")).to_be_visible()
    axe_check(page)

    referred = AllianceMember.objects.get(school=absent)
    assert referred.referred_to_board
    assert referred.consecutive_meetings_missed == 2

    page.goto(f"/alliances/{alliance.pk}/referrals/")
    axe_check(page)
    page.get_by_role(
        "link", name="Record the board's decision on Brownsover Community School"
    ).click()
    axe_check(page)
    fill_date(page, "Date of the decision", "2026-03-01")
    page.get_by_label("The member continues").check()
    page.get_by_label("Notes (optional)").fill("The head was on sick leave.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The board's decision is recorded.")).to_be_visible()
    expect(page.get_by_text("No member is waiting for the board's decision.")).to_be_visible()
    axe_check(page)
    for path in (
        f"/alliances/members/{referred.pk}/",
        f"/alliances/members/{referred.pk}/mou/",
        f"/alliances/members/{referred.pk}/details/",
        f"/alliances/members/{referred.pk}/leave/",
        f"/alliances/{alliance.pk}/members/add/",
    ):
        page.goto(path)
        axe_check(page)
