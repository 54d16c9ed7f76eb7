"""The delivery pages: recording a note of visit on a phone, the headteacher agreeing it with a
check-your-answer step, signing off, the log, concerns; outsiders refused on every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.core.dates import date_input_data
from syslead.deployments.models import Deployment
from syslead.organisations.models import Organisation
from syslead.visits.models import (
    ActionOwner,
    Concern,
    ConcernStatus,
    LogEntry,
    LogShare,
    Visit,
    VisitStatus,
)
from syslead.visits.services import concern_raise
from syslead.visits.tests.factories import make_visit

Login = Callable[[User], Client]


def _note(**overrides: str) -> dict[str, str]:
    data = {
        **date_input_data("date", "2025-10-06"),
        "session": "full_day",
        "hours": "6",
        "focus": "Maths book scrutiny",
        "progress": "Agreed a feedback policy",
        "issues": "",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "30",
        "actions-0-owner": "leader",
        "actions-0-action": "Send exemplars",
        **date_input_data("actions-0-due_on", "2025-10-13"),
        "actions-1-owner": "",
        "actions-1-action": "",
        "actions-1-due_on": "",
    }
    if "date" in overrides:
        overrides = {**overrides, **date_input_data("date", overrides.pop("date"))}
    data.update(overrides)
    return data


def _pages(deployment: Deployment, visit: Visit) -> list[str]:
    return [
        f"/deployments/{deployment.pk}/delivery/",
        f"/deployments/{deployment.pk}/visits/new/",
        f"/deployments/{deployment.pk}/log/",
        f"/deployments/{deployment.pk}/concerns/new/",
        f"/visits/{visit.pk}/",
        f"/visits/{visit.pk}/agree/",
        f"/visits/{visit.pk}/edit/",
        f"/visits/{visit.pk}/sign-off/",
    ]


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head", "sip"])
def test_outsiders_are_refused_every_delivery_page(
    request: pytest.FixtureRequest, login: Login, deployment: Deployment, who: str
) -> None:
    client = login(request.getfixturevalue(who))
    visit = make_visit(deployment)
    for path in _pages(deployment, visit):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/visits/{visit.pk}/agree/", {"decision": "agree"}).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client: Client, deployment: Deployment) -> None:
    response = client.get(f"/deployments/{deployment.pk}/delivery/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_delivery_page_shows_the_notes_and_the_links(
    login: Login, client_head: User, deployment: Deployment
) -> None:
    make_visit(deployment)
    page = login(client_head).get(f"/deployments/{deployment.pk}/delivery/").content.decode()
    assert "Maths book scrutiny" in page
    assert "Waiting to be agreed" in page
    assert f"/deployments/{deployment.pk}/evidence-pack/" in page
    assert "To do" in page  # a note to agree


def test_the_leader_records_a_note_with_action_points(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    client = login(leader_user)
    form = client.get(f"/deployments/{deployment.pk}/visits/new/")
    assert form.status_code == 200
    assert 'name="actions-1-action"' in form.content.decode()
    more = client.post(f"/deployments/{deployment.pk}/visits/new/", _note(add_row="1"))
    assert 'name="actions-2-action"' in more.content.decode()
    assert not Visit.objects.exists()
    response = client.post(f"/deployments/{deployment.pk}/visits/new/", _note())
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/visits/{visit.pk}/"
    assert [(a.owner, a.action) for a in visit.action_points.all()] == [
        (ActionOwner.LEADER, "Send exemplars")
    ]


def test_a_date_outside_the_agreement_is_shown_on_the_field(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    response = login(leader_user).post(
        f"/deployments/{deployment.pk}/visits/new/", _note(date="2026-06-01")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "must lie within the agreement" in page
    assert not Visit.objects.exists()


def test_a_half_filled_action_point_is_an_error(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    response = login(leader_user).post(
        f"/deployments/{deployment.pk}/visits/new/", _note(**{"actions-1-action": "Something"})
    )
    assert response.status_code == 200
    assert "Give the date the action is due." in response.content.decode()


def test_only_the_leader_may_record(
    login: Login, client_head: User, coordinator: User, deployment: Deployment
) -> None:
    assert login(client_head).get(f"/deployments/{deployment.pk}/visits/new/").status_code == 403
    assert (
        login(coordinator).post(f"/deployments/{deployment.pk}/visits/new/", _note()).status_code
        == 403
    )


def test_the_head_agrees_after_checking_the_answer(
    login: Login, client_head: User, deployment: Deployment
) -> None:
    visit = make_visit(deployment)
    client = login(client_head)
    assert client.get(f"/visits/{visit.pk}/agree/").status_code == 200
    check = client.post(f"/visits/{visit.pk}/agree/", {"decision": "agree", "step": "check"})
    assert "Check your answer" in check.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.AWAITING_AGREEMENT
    done = client.post(f"/visits/{visit.pk}/agree/", {"decision": "agree", "step": "confirm"})
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.AGREED


def test_asking_for_changes_needs_a_comment_and_the_leader_edits_and_resends(
    login: Login, client_head: User, leader_user: User, deployment: Deployment
) -> None:
    visit = make_visit(deployment)
    head = login(client_head)
    missing = head.post(f"/visits/{visit.pk}/agree/", {"decision": "changes", "step": "check"})
    assert "Say what should change." in missing.content.decode()
    head.post(
        f"/visits/{visit.pk}/agree/",
        {"decision": "changes", "comment": "Wrong date", "step": "confirm"},
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CHANGES_REQUESTED

    leader = login(leader_user)
    edit = leader.get(f"/visits/{visit.pk}/edit/")
    assert "Wrong date" in edit.content.decode()
    leader.post(f"/visits/{visit.pk}/edit/", _note(date="2025-10-07"))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.AWAITING_AGREEMENT
    assert visit.date == dt.date(2025, 10, 7)


def test_the_leader_signs_off_an_agreed_note(
    login: Login, leader_user: User, client_head: User, deployment: Deployment
) -> None:
    visit = make_visit(deployment, status=VisitStatus.AGREED)
    client = login(leader_user)
    assert "Sign off the note" in client.get(f"/visits/{visit.pk}/sign-off/").content.decode()
    client.post(f"/visits/{visit.pk}/sign-off/")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SIGNED_OFF
    assert login(client_head).get(f"/visits/{visit.pk}/sign-off/").status_code == 403


def test_signing_off_a_note_not_yet_agreed_is_refused_in_the_page(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    """The page is only a button (an unbound form): the rule's refusal still shows in it."""
    visit = make_visit(deployment, status=VisitStatus.AWAITING_AGREEMENT)
    response = login(leader_user).post(f"/visits/{visit.pk}/sign-off/")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.AWAITING_AGREEMENT


def test_action_points_are_marked_done_from_the_note(
    login: Login, client_head: User, deployment: Deployment
) -> None:
    visit = make_visit(
        deployment, actions=((ActionOwner.SCHOOL, "Book look", dt.date(2025, 10, 20)),)
    )
    point = visit.action_points.get()
    page = login(client_head).get(f"/visits/{visit.pk}/").content.decode()
    assert "Overdue" in page
    login(client_head).post(f"/action-points/{point.pk}/complete/")
    point.refresh_from_db()
    assert point.completed_on is not None


def test_the_log_page_adds_time_and_shares_the_term(
    login: Login, leader_user: User, client_head: User, deployment: Deployment
) -> None:
    make_visit(deployment)
    client = login(leader_user)
    page = client.get(f"/deployments/{deployment.pk}/log/?term=2025-26-autumn")
    assert "Autumn term 2025-26" in page.content.decode()
    client.post(
        f"/deployments/{deployment.pk}/log/",
        {
            **date_input_data("date", "2025-10-02"),
            "hours": "1.5",
            "activity": "preparation",
            "actions": "Read the data",
            "outcomes": "",
            "comments": "",
        },
    )
    assert LogEntry.objects.count() == 1
    client.post(f"/deployments/{deployment.pk}/log/share/", {"term": "2025-26-autumn"})
    assert LogShare.objects.get().hours == 7.5
    head = login(client_head)
    log_page = head.get(f"/deployments/{deployment.pk}/log/?term=2025-26-autumn")
    assert "Read the data" in log_page.content.decode()
    assert (
        head.post(
            f"/deployments/{deployment.pk}/log/", {**date_input_data("date", "2025-10-02")}
        ).status_code
        == 403
    )


def test_the_log_page_term_filter_ignores_a_term_outside_the_agreement(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    """Rule (docs/ux.md, "Filters"): the term is a Django form field; a term the agreement does
    not span is ignored with a message on the field, and the page shows its default term."""
    client = login(leader_user)
    url = f"/deployments/{deployment.pk}/log/"
    spring = client.get(url, {"term": "2025-26-spring"})
    assert spring.context["log"].term.key == "2025-26-spring"
    assert '<option value="2025-26-spring" selected>' in spring.content.decode()
    default = client.get(url).context["log"].term
    for wrong in ("1999-00-autumn", "nonsense"):
        response = client.get(url, {"term": wrong})
        assert response.status_code == 200
        assert response.context["log"].term == default
        page = response.content.decode()
        assert "The term asked for is not one you can choose" in page
        assert f'<option value="{default.key}" selected>' in page


def test_raising_a_concern_from_a_visit(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    visit = make_visit(deployment)
    client = login(leader_user)
    form = client.get(f"/deployments/{deployment.pk}/concerns/new/?visit={visit.pk}")
    assert "Raise a safeguarding or serious concern" in form.content.decode()
    response = client.post(
        f"/deployments/{deployment.pk}/concerns/new/",
        {
            "visit": visit.pk,
            "kind": "safeguarding",
            "summary": "A disclosure",
            "details": "What was said",
            "action_taken": "Told the DSL",
        },
    )
    concern = Concern.objects.get()
    assert response["Location"] == f"/concerns/{concern.pk}/"
    assert concern.visit == visit


def test_concern_pages_for_those_who_act_and_nobody_else(
    login: Login,
    leader_user: User,
    coordinator: User,
    client_head: User,
    broker_lead: User,
    deployment: Deployment,
) -> None:
    concern = concern_raise(
        actor=leader_user, deployment=deployment, kind="serious", summary="S", details="D"
    )
    coordinator_client = login(coordinator)
    assert "S" in coordinator_client.get("/concerns/").content.decode()
    coordinator_client.post(f"/concerns/{concern.pk}/", {"do": "acknowledge"})
    coordinator_client.post(f"/concerns/{concern.pk}/", {"do": "action", "text": "Called the LA"})
    coordinator_client.post(f"/concerns/{concern.pk}/", {"do": "close", "outcome": "Resolved"})
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED
    assert concern.actions.count() == 1
    for outsider in (client_head, broker_lead):
        assert login(outsider).get(f"/concerns/{concern.pk}/").status_code == 404
        assert "D" not in login(outsider).get("/concerns/").content.decode().split("<main")[1]
    raiser = login(leader_user)
    assert raiser.get(f"/concerns/{concern.pk}/").status_code == 200
    assert raiser.post(f"/concerns/{concern.pk}/", {"do": "acknowledge"}).status_code == 403


def test_the_coordinator_names_the_safeguarding_person(
    login: Login, coordinator: User, named_person: User, stranger: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    assert client.get(f"/concerns/named-person/{alliance.pk}/").status_code == 200
    client.post(f"/concerns/named-person/{alliance.pk}/", {"safeguarding_lead": named_person.pk})
    assert alliance.concern_contact.safeguarding_lead == named_person
    assert login(stranger).get(f"/concerns/named-person/{alliance.pk}/").status_code == 404


def test_the_delivery_page_takes_a_fixed_number_of_queries(
    login: Login, client_head: User, deployment: Deployment, django_assert_max_num_queries: Any
) -> None:
    client = login(client_head)
    for day in range(1, 20):
        make_visit(deployment, date=dt.date(2025, 10, day))
    client.get(f"/deployments/{deployment.pk}/delivery/")  # schedules feedback once
    with django_assert_max_num_queries(18):
        assert client.get(f"/deployments/{deployment.pk}/delivery/").status_code == 200
