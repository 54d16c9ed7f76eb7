"""In Chromium, at desktop width and at 320 px: a local authority's coordinator names a school's
SIP (docs/rules.md, "The school's named SIP"), seeing the GOV.UK error summary first; the page
passes axe-core and does not scroll sideways; then copies another SIP in on an LA-route
agreement."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in, make_user
from syslead.accounts.models import Role
from syslead.brokering.models import Route
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import NamedSip, School
from syslead.visits.tests.factories import make_deployment, make_leader_profile

pytestmark = pytest.mark.browser

WIDTH_JS = "() => document.documentElement.scrollWidth"


def test_a_coordinator_names_a_sip_and_copies_another_in(
    page: Page, client_school: School, home_school: School
) -> None:
    lincs = Organisation.objects.create(
        name="Lincolnshire County Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        slug="lincolnshire",
        local_authority_name="Lincolnshire",
    )
    lou = make_user("lou@lincs.test", "Lou Coordinator", (Role.COORDINATOR, lincs))
    sally = make_user("sally@lincs.test", "Sally Partner", (Role.SIP, lincs))
    make_user("sam@lincs.test", "Sam Partner", (Role.SIP, lincs))
    leader = make_leader_profile(
        make_user("lee@mountstreet.test", "Lee Leader", (Role.SYSTEM_LEADER, None)), home_school
    )
    agreement = make_deployment(
        leader=leader, organisation=lincs, client_school=client_school, route=Route.LOCAL_AUTHORITY
    )
    page.goto("/accounts/login/", timeout=120_000)  # the server's first answer loads every view
    browser_signed_in(page, lou.email)
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/requests/named-sips/lincolnshire/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Schools’ named SIPs")
        axe_check(page)
        page.get_by_role("button", name="Name the SIP").click()
        expect(page.get_by_role("alert")).to_contain_text("Give the school's URN or name.")
        axe_check(page)
        assert page.evaluate(WIDTH_JS) <= width
    page.get_by_label("Sally Partner (sally@lincs.test)").check()
    school = page.get_by_label("School", exact=True)
    school.fill(str(client_school.urn))
    school.press("Escape")  # close the suggestions
    page.get_by_role("button", name="Name the SIP").click()
    expect(page.get_by_role("button", name=f"End Sally Partner as SIP of {client_school.name}"))
    axe_check(page)
    assert NamedSip.objects.get().sip == sally
    page.goto(f"/deployments/{agreement.pk}/copied-in/")
    axe_check(page)
    page.get_by_label("Sam Partner (sam@lincs.test)").check()
    page.get_by_role("button", name="Copy them in").click()
    expect(page.get_by_role("button", name="Stop copying in Sam Partner")).to_be_visible()
    axe_check(page)
    assert page.evaluate(WIDTH_JS) <= 320
