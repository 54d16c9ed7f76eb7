"""Changes and exits in the browser: a coordinator records a change and acts on it (pause,
resume, replace the leader, amend, end early), completes or cancels; the leader or the supported
school's headteacher asks for a managed exit; the leader says they cannot provide the outreach.
Finished agreements are read-only. Packages of several leaders."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import SupportRequest
from syslead.core.dates import date_input_data
from syslead.deployments.models import (
    ChangeAction,
    ChangeKind,
    ChangeRecord,
    Deployment,
    DeploymentStatus,
)
from syslead.deployments.services import deployment_complete, deployment_create
from syslead.deployments.tests.factories import (
    agreement_kwargs,
    close_together,
    make_leader,
    refresh,
)
from syslead.deployments.tests.test_views_create import form_data
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]


def change_url(deployment: Deployment, what: str = "change") -> str:
    return f"/deployments/{deployment.pk}/{what}/"


@pytest.fixture
def other_head(db: None) -> User:
    school = make_school(120099, "Bracebridge Infant School")
    return make_user("ola@bracebridge.test", "Ola Other-Head", (Role.HEADTEACHER, school))


@pytest.fixture
def second_leader(alliance: Organisation, db: None) -> LeaderProfile:
    school = make_school(120003, "St Hugh's Teaching School", postcode="LN2 4AA")
    user = make_user("sam@sthughs.test", "Sam Second", (Role.SYSTEM_LEADER, None))
    return make_leader(user, school, alliance)


# Access ------------------------------------------------------------------------------------------

COORDINATOR_PAGES = ["change", "amend", "complete", "package", "edit", "cancel"]


@pytest.mark.parametrize("what", COORDINATOR_PAGES)
def test_anonymous_people_are_sent_to_sign_in(
    client: Client, active: Deployment, what: str
) -> None:
    response = client.get(change_url(active, what))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("what", [*COORDINATOR_PAGES, "exit", "unavailable"])
@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head"])
def test_people_outside_the_agreement_get_404(
    who: str, what: str, request: pytest.FixtureRequest, login: Login, active: Deployment
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(change_url(active, what)).status_code == 404
    assert client.post(change_url(active, what), {"reason": "x"}).status_code == 404


@pytest.mark.parametrize("what", COORDINATOR_PAGES)
@pytest.mark.parametrize("who", ["leader_user", "client_head", "home_head", "broker_lead"])
def test_parties_do_not_manage_the_agreement(
    who: str, what: str, request: pytest.FixtureRequest, login: Login, active: Deployment
) -> None:
    assert login(request.getfixturevalue(who)).get(change_url(active, what)).status_code == 403


@pytest.mark.parametrize("who", ["home_head", "broker_lead", "coordinator"])
def test_only_the_leader_or_the_supported_head_asks_for_a_managed_exit(
    who: str, request: pytest.FixtureRequest, login: Login, active: Deployment
) -> None:
    assert login(request.getfixturevalue(who)).get(change_url(active, "exit")).status_code == 403


@pytest.mark.parametrize("who", ["client_head", "coordinator"])
def test_only_the_leader_says_they_cannot_provide_the_outreach(
    who: str, request: pytest.FixtureRequest, login: Login, active: Deployment
) -> None:
    response = login(request.getfixturevalue(who)).get(change_url(active, "unavailable"))
    assert response.status_code == 403


# Recording a change ------------------------------------------------------------------------------


def test_the_change_form_offers_the_actions_the_agreement_allows(
    login: Login, coordinator: User, agreement: Deployment, active: Deployment
) -> None:
    choices = login(coordinator).get(change_url(active)).context["form"].fields["action"].choices
    assert [value for value, _ in choices] == ["", "pause", "replace", "amend", "end_early"]


def test_errors_are_listed_in_the_summary(
    login: Login, coordinator: User, active: Deployment
) -> None:
    response = login(coordinator).post(change_url(active), {"action": "replace"})
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_kind_0">Say what has changed.</a>' in page
    assert '<a href="#id_reason">Give the details of the change.</a>' in page
    assert '<a href="#id_new_leader">Choose the leader who takes over.</a>' in page


def test_pause_is_checked_then_done_and_resume_brings_it_back(
    login: Login, coordinator: User, active: Deployment
) -> None:
    client = login(coordinator)
    data = {
        "kind": ChangeKind.OTHER,
        "reason": "The school is closed for building work.",
        "action": ChangeAction.PAUSE,
    }
    check = client.post(change_url(active), {**data, "step": "check"})
    assert check.templates[0].name == "deployments/change_check.html"
    assert refresh(active).status == DeploymentStatus.ACTIVE
    client.post(change_url(active), {**data, "step": "confirm"})
    assert refresh(active).status == DeploymentStatus.PAUSED
    choices = client.get(change_url(active)).context["form"].fields["action"].choices
    assert "resume" in [value for value, _ in choices]
    client.post(
        change_url(active),
        {"kind": "other", "reason": "Building work done.", "action": "resume", "step": "confirm"},
    )
    assert refresh(active).status == DeploymentStatus.ACTIVE


def test_sickness_tells_the_supported_head_at_once(
    login: Login, coordinator: User, client_head: User, active: Deployment
) -> None:
    client = login(coordinator)
    data = {
        "kind": ChangeKind.CANNOT_PROVIDE,
        "reason": "Lee is off sick for a month.",
        "action": "",
    }
    check = client.post(change_url(active), {**data, "step": "check"})
    assert "is told at once that the leader cannot provide the outreach" in (check.content.decode())
    client.post(change_url(active), {**data, "step": "confirm"})
    change = ChangeRecord.objects.get(deployment=active)
    assert (change.kind, change.action) == (ChangeKind.CANNOT_PROVIDE, "")
    assert client_head.notifications.filter(verb="deployment.leader_unavailable").exists()


def test_replacing_the_leader_carries_the_days_over_to_a_new_agreement(
    login: Login, coordinator: User, active: Deployment, second_leader: LeaderProfile
) -> None:
    client = login(coordinator)
    data = {
        "kind": ChangeKind.LEADER_LEFT_SCHOOL,
        "reason": "Lee has moved to a school in Leeds.",
        "action": ChangeAction.REPLACE,
        "new_leader": second_leader.pk,
    }
    check = client.post(change_url(active), {**data, "step": "check"})
    page = check.content.decode()
    assert "Sam Second" in page
    assert "5 full days" in page
    response = client.post(change_url(active), {**data, "step": "confirm"})
    replacement = Deployment.objects.get(replaces=active)
    assert response["Location"] == f"/deployments/{replacement.pk}/"
    assert (replacement.leader, replacement.full_days) == (second_leader, 5)
    assert replacement.status == DeploymentStatus.AWAITING_SIGNATURES
    assert refresh(active).status == DeploymentStatus.ENDED_EARLY


def test_amend_opens_the_sections_with_the_reason_on_the_check_page(
    login: Login, coordinator: User, active: Deployment
) -> None:
    """Rule (docs/ux.md, "The agreement draft"): "Record a change" with the action amend opens
    the amendment's task list, every section prefilled from the agreement and completed; the
    kind of change and its details wait on the check page."""
    client = login(coordinator)
    response = client.post(
        change_url(active),
        {"kind": "insufficient_impact", "reason": "Refocus on writing.", "action": "amend"},
    )
    assert response["Location"].startswith(f"/deployments/{active.pk}/amend/?kind=")
    tasks = client.get(response["Location"])
    assert tasks.templates[0].name == "deployments/draft_tasks.html"
    assert {row["status"] for row in tasks.context["rows"]} == {"Completed"}
    assert f'href="/deployments/{active.pk}/amend/check/"' in tasks.content.decode()
    dates = client.get(change_url(active, "amend/dates")).context["form"]
    assert dates["full_days"].value() == 5
    check = client.get(change_url(active, "amend/check"))
    form = check.context["form"]
    assert form["kind"].value() == "insufficient_impact"
    assert form["reason"].value() == "Refocus on writing."
    assert "Make version 2 and ask the parties to sign it" in check.content.decode()


def test_an_amendment_makes_a_new_version_for_everyone_to_sign(
    login: Login, coordinator: User, active: Deployment
) -> None:
    """Rule (deployment_amend, docs/rules.md): an amendment is a new version with the changed
    terms, awaiting the four signatures; the old version is superseded. Through the draft's
    section pages and check page, as drafting a new agreement."""
    client = login(coordinator)
    dates_url = change_url(active, "amend/dates")
    saved = client.post(f"{dates_url}?return=check", form_data(full_days="7"))
    assert saved["Location"] == f"/deployments/{active.pk}/amend/check/"
    check = client.get(change_url(active, "amend/check"))
    page = check.content.decode()
    assert check.templates[0].name == "deployments/draft_check.html"
    assert "7 full days" in page
    assert f'href="{dates_url}?return=check"' in page
    missing = client.post(change_url(active, "amend/check"), {"kind": "other", "reason": ""})
    assert missing.status_code == 200
    assert "Give the details of the change." in missing.content.decode()
    assert not Deployment.objects.filter(previous_version=active).exists()
    response = client.post(
        change_url(active, "amend/check"), {"kind": "other", "reason": "Two more days agreed."}
    )
    amended = Deployment.objects.get(previous_version=active)
    assert response["Location"] == f"/deployments/{amended.pk}/"
    assert (amended.version, amended.full_days, amended.status) == (
        2,
        7,
        DeploymentStatus.AWAITING_SIGNATURES,
    )
    assert refresh(active).status == DeploymentStatus.SUPERSEDED
    change = ChangeRecord.objects.get(deployment=active)
    assert (change.action, change.reason) == (ChangeAction.AMEND, "Two more days agreed.")


def test_an_amendment_that_changes_nothing_is_refused_on_the_check_page(
    login: Login, coordinator: User, active: Deployment
) -> None:
    """Rule (deployment_amend): an amendment must change at least one term; the check page
    says so and links back to the sections, and nothing is made."""
    client = login(coordinator)
    response = client.post(
        change_url(active, "amend/check"), {"kind": "other", "reason": "Nothing, in fact."}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say which terms change" in page
    assert f'href="/deployments/{active.pk}/amend/"' in page
    assert not Deployment.objects.filter(previous_version=active).exists()
    assert refresh(active).status == DeploymentStatus.ACTIVE


def test_ending_early_with_a_date(login: Login, coordinator: User, active: Deployment) -> None:
    login(coordinator).post(
        change_url(active),
        {
            "kind": ChangeKind.INSUFFICIENT_IMPACT,
            "reason": "Not making sufficient impact.",
            "action": ChangeAction.END_EARLY,
            **date_input_data("ended_on", "2027-02-26"),
            "step": "confirm",
        },
    )
    ended = refresh(active)
    assert ended.status == DeploymentStatus.ENDED_EARLY
    assert str(ended.ended_on) == "2027-02-26"


def test_a_completed_agreement_cannot_be_changed(
    login: Login, coordinator: User, active: Deployment, leader_user: User, client_head: User
) -> None:
    close_together(active, leader=leader_user, head=client_head, decider=coordinator)
    deployment_complete(actor=coordinator, deployment=active, completed_on=active.ends_on)
    client = login(coordinator)
    for what in ["change", "amend", "complete", "package", "edit", "cancel"]:
        response = client.get(change_url(active, what), follow=True)
        assert response.redirect_chain[-1][0] == f"/deployments/{active.pk}/"
    posted = client.post(
        change_url(active),
        {"kind": "other", "reason": "x", "action": "", "step": "confirm"},
        follow=True,
    )
    assert "it is read-only and can no longer be changed" in posted.content.decode()
    assert not ChangeRecord.objects.exists()


# Asked for by a party ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader_user", "client_head"])
def test_either_side_asks_for_a_managed_exit_after_checking(
    who: str, request: pytest.FixtureRequest, login: Login, coordinator: User, active: Deployment
) -> None:
    client = login(request.getfixturevalue(who))
    empty = client.post(change_url(active, "exit"), {"step": "check"})
    assert "Give the reason." in empty.content.decode()
    check = client.post(
        change_url(active, "exit"), {"reason": "The partnership is in difficulty.", "step": "check"}
    )
    assert check.templates[0].name == "deployments/reason_check.html"
    assert not ChangeRecord.objects.exists()
    client.post(
        change_url(active, "exit"),
        {"reason": "The partnership is in difficulty.", "step": "confirm"},
    )
    change = ChangeRecord.objects.get()
    assert change.kind == ChangeKind.MANAGED_EXIT
    assert coordinator.notifications.filter(verb="deployment.exit_requested").exists()


def test_the_leader_says_they_cannot_provide_the_outreach(
    login: Login, leader_user: User, client_head: User, active: Deployment
) -> None:
    login(leader_user).post(
        change_url(active, "unavailable"), {"reason": "Off sick until March.", "step": "confirm"}
    )
    assert ChangeRecord.objects.get().kind == ChangeKind.CANNOT_PROVIDE
    assert client_head.notifications.filter(verb="deployment.leader_unavailable").exists()


def test_no_managed_exit_before_the_agreement_starts(
    login: Login, leader_user: User, agreement: Deployment
) -> None:
    response = login(leader_user).get(change_url(agreement, "exit"), follow=True)
    assert "The agreement has not started" in response.content.decode()


# Closing -----------------------------------------------------------------------------------------


def test_the_coordinator_completes_the_support(
    login: Login, coordinator: User, active: Deployment, leader_user: User, client_head: User
) -> None:
    close_together(active, leader=leader_user, head=client_head, decider=coordinator)
    login(coordinator).post(
        change_url(active, "complete"), {**date_input_data("completed_on", "2027-04-30")}
    )
    done = refresh(active)
    assert (done.status, str(done.ended_on)) == (DeploymentStatus.COMPLETED, "2027-04-30")


def test_completing_before_the_start_is_refused_in_the_page(
    login: Login, coordinator: User, active: Deployment, leader_user: User, client_head: User
) -> None:
    close_together(active, leader=leader_user, head=client_head, decider=coordinator)
    response = login(coordinator).post(
        change_url(active, "complete"), {**date_input_data("completed_on", "2026-12-01")}
    )
    assert "An agreement cannot be completed before it starts." in response.content.decode()


def test_the_coordinator_cancels_an_agreement_waiting_for_signatures(
    login: Login, coordinator: User, agreement: Deployment
) -> None:
    login(coordinator).post(
        change_url(agreement, "cancel"), {"reason": "The school withdrew.", "step": "confirm"}
    )
    assert refresh(agreement).status == DeploymentStatus.CANCELLED


def test_a_signed_agreement_is_ended_early_not_cancelled(
    login: Login, coordinator: User, active: Deployment
) -> None:
    response = login(coordinator).get(change_url(active, "cancel"), follow=True)
    assert "record a change to end it early instead" in response.content.decode()


def test_changing_the_terms_before_signature_withdraws_the_signatures(
    login: Login, coordinator: User, leader_user: User, agreement: Deployment
) -> None:
    from syslead.deployments.services import deployment_sign

    deployment_sign(actor=leader_user, deployment=agreement)
    client = login(coordinator)
    tasks = client.get(change_url(agreement, "edit"))
    # Every section of an agreement already made is complete: change only what you need.
    assert {row["status"] for row in tasks.context["rows"]} == {"Completed"}
    dates_url = change_url(agreement, "edit/dates")
    form = client.get(dates_url).context["form"]
    assert form["full_days"].value() == 5
    data = form_data(full_days="4")
    assert client.post(f"{dates_url}?return=check", data)["Location"] == (
        f"/deployments/{agreement.pk}/edit/check/"
    )
    check = client.get(change_url(agreement, "edit/check"))
    assert "4 full days" in check.content.decode()
    assert f'href="{dates_url}?return=check"' in check.content.decode()
    assert refresh(agreement).full_days == 5  # nothing changes before confirming
    response = client.post(change_url(agreement, "edit/check"))
    assert response["Location"] == f"/deployments/{agreement.pk}/"
    changed = refresh(agreement)
    assert changed.full_days == 4
    assert changed.total_cost == Decimal("1400.00")
    assert not changed.signatures.exists()


# Packages ----------------------------------------------------------------------------------------


def test_a_package_with_a_lead_and_another_leaders_agreement(
    login: Login,
    coordinator: User,
    active: Deployment,
    second_leader: LeaderProfile,
    support_request: SupportRequest,
) -> None:
    second = deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=second_leader,
        **agreement_kwargs(full_days=3),
    )
    client = login(coordinator)
    client.post(change_url(active, "package"), {"what": "start", "title": "Maths 2026-27"})
    package = refresh(active).package
    assert package is not None
    assert refresh(active).is_lead
    page = client.get(change_url(active, "package"))
    assert list(page.context["add"].fields["deployment"].queryset) == [second]
    client.post(change_url(active, "package"), {"what": "add", "deployment": second.pk})
    assert (refresh(second).package, refresh(second).is_lead) == (package, False)
    client.post(change_url(second, "package"), {"what": "lead"})
    assert refresh(second).is_lead
    assert not refresh(active).is_lead


def test_a_package_needs_a_title(login: Login, coordinator: User, active: Deployment) -> None:
    response = login(coordinator).post(change_url(active, "package"), {"what": "start"})
    assert "Give the package a title." in response.content.decode()
