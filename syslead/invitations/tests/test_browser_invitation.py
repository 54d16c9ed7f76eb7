"""In Chromium: a coordinator invites a headteacher from the People page, one question per page;
the headteacher follows the e-mailed link, chooses a password and lands on their home page,
signed in. axe-core on every page visited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.deployments.models import Party, Signature
from syslead.deployments.services import deployment_create, deployment_sign
from syslead.deployments.tests.factories import agreement_kwargs, make_leader, make_request
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser


def test_invitation_set_password_home_page(
    page: Page, coordinator: User, client_school: School
) -> None:
    browser_signed_in(page, coordinator.email)
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    axe_check(page)
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Full name").fill("Nadia Newhead")
    page.get_by_label("E-mail address").fill("nadia@ermine.test")
    page.get_by_role("button", name="Continue").click()
    axe_check(page)
    page.get_by_label("Headteacher").check()
    page.get_by_role("button", name="Continue").click()
    axe_check(page)
    page.get_by_label("Which school? Give its URN").fill(str(client_school.urn))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the invitation before you send it"
    )
    expect(page.get_by_text("Ermine Primary Academy")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to nadia@ermine.test.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Nadia Newhead"))).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")

    message = next(m for m in mail.outbox if m.to == ["nadia@ermine.test"])
    link = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert link is not None
    page.goto(link.group(0))  # the whole link: it names the site it was sent from
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    axe_check(page)
    page.get_by_label("Choose a password").fill("password")
    page.get_by_label("Type the password again").fill("password")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Choose a password").fill("lantern-orchard-42")
    page.get_by_label("Type the password again").fill("lantern-orchard-42")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(lambda url: "/invitations/" not in url)
    expect(page.get_by_text("Welcome to Syslead: your account is ready.")).to_be_visible()
    expect(page.locator(".site-header__user")).to_have_text("Nadia Newhead")
    axe_check(page)

    user = User.objects.get(email="nadia@ermine.test")
    assert RoleAssignment.objects.filter(user=user, role=Role.HEADTEACHER, school=client_school)

    # The link is used up.
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This invitation has already been used"
    )
    axe_check(page)


def test_invited_headteacher_sets_a_password_and_signs_the_agreement(
    page: Page,
    coordinator: User,
    leader_user: User,
    home_head: User,
    home_school: School,
    client_school: School,
    alliance: Organisation,
) -> None:
    """One journey: the coordinator's draft agreement names Ermine Primary, whose headteacher has
    no account; the coordinator names them on the draft (the invitation is prepared, not sent),
    sends the agreement for signature, which sends the invitation; they follow the link, choose
    a password, land signed in with the agreement to sign on their home page, sign it, and the
    agreement shows their signature (docs/going-live.md, docs/rules.md "Sending an agreement for
    signature")."""
    leader = make_leader(leader_user, home_school, alliance)
    support_request = make_request(alliance, client_school, chosen_leader=leader)
    deployment = deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=leader,
        send_for_signature=False,
        **agreement_kwargs(),
    )

    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/deployments/{deployment.pk}/")
    expect(page.get_by_text("This agreement is a draft.")).to_be_visible()
    axe_check(page)
    page.get_by_role(
        "link", name="Name who signs for the headteacher of Ermine Primary Academy"
    ).click()
    axe_check(page)
    page.get_by_label("Their full name").fill("Cara Client-Head")
    page.get_by_label("Their e-mail address").fill("cara@ermine.test")
    page.get_by_role("button", name="Keep the invitation for sending").click()
    expect(page.get_by_text("Invitation ready: sent with the agreement")).to_be_visible()
    assert not [m for m in mail.outbox if m.to == ["cara@ermine.test"]]
    axe_check(page)
    page.get_by_role("link", name="Send for signature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the agreement for signature")
    axe_check(page)
    page.get_by_role("button", name="Send for signature").click()
    expect(
        page.get_by_text("Invited cara@ermine.test (Cara Client-Head), not yet joined")
    ).to_be_visible()
    axe_check(page)
    # The parties before the supported school's headteacher sign.
    deployment = deployment_sign(actor=leader_user, deployment=deployment)
    deployment = deployment_sign(actor=home_head, deployment=deployment)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")

    message = next(m for m in mail.outbox if m.to == ["cara@ermine.test"])
    link = re.search(r"https?://[^/\s]+/invitations/[^/\s]+/", message.body)
    assert link is not None
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    axe_check(page)
    page.get_by_label("Choose a password").fill("lantern-orchard-42")
    page.get_by_label("Type the password again").fill("lantern-orchard-42")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(lambda url: "/invitations/" not in url)
    expect(page.get_by_text("Welcome to Syslead: your account is ready.")).to_be_visible()
    axe_check(page)

    page.get_by_role(
        "link", name="Sign the agreement for Lee Leader at Ermine Primary Academy"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign the agreement")
    axe_check(page)
    declaration = "I agree to this support agreement on behalf of Ermine Primary Academy"
    page.get_by_label(declaration).check()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("You signed the agreement as the headteacher")).to_be_visible()
    signatures = page.get_by_role(
        "table", name="The four parties and their signatures, in signing order"
    )
    expect(
        signatures.get_by_role("row", name=re.compile("^The headteacher of Ermine Primary"))
    ).to_contain_text("Cara Client-Head")
    axe_check(page)

    cara = User.objects.get(email="cara@ermine.test")
    assert Signature.objects.filter(
        deployment=deployment, party=Party.CLIENT_HEADTEACHER, signed_by=cara
    ).exists()
