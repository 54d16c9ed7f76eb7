"""In Chromium: a coordinator finds a maths SLE within 10 km of a school; the leader's own profile
and the public directory; every page visited passes axe-core."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in, make_school
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.leaders.models import LeaderProfile
from syslead.leaders.services import application_submit, round_create
from syslead.leaders.tests.factories import associate, designate, make_leader, release
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser


@pytest.fixture
def maths_sle(alliance: Organisation, home_school: School, leader_user: User) -> LeaderProfile:
    """Lee, a maths SLE at Mount Street Academy, 1.4 km from Ermine Primary, with a published
    profile."""
    leader = make_leader(
        school=home_school,
        user=leader_user,
        specialisms=("maths", "assessment"),
        pen_portrait="Twelve years leading primary maths; I coach new maths leads.",
        publish_profile=True,
        publish_pen_portrait=True,
    )
    designate(leader, "SLE", alliance)
    associate(leader, alliance)
    release(leader, AcademicYear.current().label, "10")
    return leader


@pytest.fixture
def others(alliance: Organisation, far_school: School) -> None:
    """An English SLE next door and a maths SLE in Bristol: neither should be found."""
    next_door = make_school(
        120010, "Lincoln Cathedral Primary", postcode="LN2 1PX", latitude=53.2345, longitude=-0.535
    )
    english = make_leader(school=next_door, name="Erin English", specialisms=("english",))
    designate(english, "SLE", alliance)
    associate(english, alliance)
    far = make_leader(school=far_school, name="Bram Bristol", specialisms=("maths",))
    designate(far, "SLE", alliance)
    associate(far, alliance)


def test_coordinator_finds_a_maths_sle_within_10_km_of_a_school(
    page: Page,
    coordinator: User,
    client_school: School,
    maths_sle: LeaderProfile,
    others: None,
    alliance: Organisation,
) -> None:
    browser_signed_in(page, coordinator.email)

    page.get_by_role("link", name="System leaders").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("System leaders")
    expect(page.get_by_role("heading", level=2)).to_contain_text("3 leaders")
    axe_check(page)

    page.get_by_label("Specialism").select_option(label="Maths")
    page.get_by_label("Near a school or postcode").fill(str(client_school.urn))
    page.get_by_label("Within (km)").fill("10")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("1 leader found")
    expect(page.get_by_role("link", name="Lee Leader")).to_be_visible()
    expect(page.get_by_text("Bram Bristol")).to_have_count(0)
    expect(page.get_by_text("Erin English")).to_have_count(0)
    expect(page.get_by_role("cell", name="1.4 km")).to_be_visible()
    axe_check(page)

    page.get_by_label("Near a school or postcode").fill("ZZ99 9ZZ")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("We could not find")
    axe_check(page)

    page.goto(f"/leaders/{maths_sle.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lee Leader")
    expect(
        page.get_by_role(
            "img", name="10 days released, 0 committed, 0 delivered, 10 remaining", exact=False
        )
    ).to_be_visible()
    axe_check(page)


def test_leader_profile_and_public_directory_pass_axe(
    page: Page,
    leader_user: User,
    coordinator: User,
    maths_sle: LeaderProfile,
    alliance: Organisation,
) -> None:
    browser_signed_in(page, leader_user.email)
    page.get_by_role("link", name="My profile").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lee Leader")
    axe_check(page)

    today = timezone.localdate()
    designation_round = round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="LLE",
        title="LLE round",
        opens_on=today,
        closes_on=today,
    )
    page.goto(f"/leaders/rounds/{designation_round.pk}/apply/")
    expect(page.get_by_text("must be a headteacher")).to_be_visible()
    axe_check(page)

    page.goto("/leaders/me/")
    page.get_by_role("link", name="Edit my profile").click()
    page.get_by_label("Job title").fill("")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the job title.")
    axe_check(page)
    page.get_by_label("Job title").fill("Maths lead")
    page.get_by_role("checkbox", name="My school").check()
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile has been saved.")

    page.context.clear_cookies()
    page.goto(f"/organisations/{alliance.slug}/directory/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Our system leaders")
    expect(page.get_by_text("I coach new maths leads")).to_be_visible()
    expect(page.get_by_text("Mount Street Academy")).to_be_visible()
    axe_check(page)


def test_every_coordinator_and_headteacher_page_passes_axe(
    page: Page,
    coordinator: User,
    home_head: User,
    maths_sle: LeaderProfile,
    alliance: Organisation,
) -> None:
    from syslead.leaders.models import Association, Designation, TrainingEvent, TrainingKind

    designation = Designation.objects.get(leader=maths_sle)
    association = Association.objects.get(leader=maths_sle)
    event = TrainingEvent.objects.create(
        organisation=alliance,
        kind=TrainingKind.CORE,
        title="Core training",
        held_on=AcademicYear.current().starts_on,
    )
    today = timezone.localdate()
    designation_round = round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="LLE",
        title="LLE round",
        opens_on=today,
        closes_on=today,
    )
    application = application_submit(
        actor=maths_sle.user,
        round=designation_round,
        leader=maths_sle,
        years_in_role=1,
        field_of_expertise="Maths",
        evidence="Evidence.",
    )
    browser_signed_in(page, coordinator.email)
    for path in (
        "/",
        f"/leaders/rounds/{designation_round.pk}/",
        f"/leaders/applications/{application.pk}/",
        "/leaders/new/?school_q=Mount",
        f"/leaders/{maths_sle.pk}/edit/",
        f"/leaders/{maths_sle.pk}/designate/",
        f"/leaders/{maths_sle.pk}/release/",
        f"/leaders/designations/{designation.pk}/revoke/",
        f"/leaders/designations/{designation.pk}/review/",
        f"/leaders/associations/{association.pk}/end/",
        f"/leaders/associations/{association.pk}/review/",
        "/leaders/designation-types/",
        "/leaders/rounds/",
        "/leaders/rounds/new/",
        "/leaders/training/",
        "/leaders/training/new/",
        f"/leaders/training/{event.pk}/",
        f"/leaders/policy/{alliance.pk}/",
    ):
        page.goto(path)
        axe_check(page)
    # A form with its errors.
    page.goto("/leaders/training/new/")
    page.get_by_role("button", name="Add event").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the kind of event.")
    axe_check(page)

    page.context.clear_cookies()
    browser_signed_in(page, home_head.email, home=False)
    page.goto("/leaders/release/")
    expect(page.get_by_role("heading", level=2, name="Lee Leader")).to_be_visible()
    axe_check(page)
    page.goto(f"/organisations/{alliance.slug}/")
    axe_check(page)
