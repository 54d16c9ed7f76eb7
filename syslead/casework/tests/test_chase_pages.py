"""The chase button on the page each "Needs attention" item opens: what it sends and to whom,
who may press it, and "Chased on … — you can chase again from …" afterwards."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.models import Approach
from syslead.core.academic_years import add_school_days
from syslead.deployments.models import Deployment
from syslead.evaluation.models import FeedbackRequest
from syslead.notifications.models import Notification
from syslead.visits.models import Visit

Login = Callable[[User], Client]

#: kind, the fixture, the page the home item opens
PAGES = [
    ("approach", "asked", lambda a: f"/requests/{a.support_request_id}/"),
    ("visit_note", "note", lambda v: f"/visits/{v.pk}/"),
    ("feedback", "feedback", lambda f: f"/deployments/{f.deployment_id}/feedback/"),
    ("no_visit", "deployment", lambda d: f"/deployments/{d.pk}/delivery/"),
    ("signature", "unsigned", lambda d: f"/deployments/{d.pk}/"),
]


@pytest.mark.parametrize(("kind", "fixture", "page"), PAGES)
def test_the_page_offers_the_chase_then_says_when_it_can_be_sent_again(
    kind: str,
    fixture: str,
    page: Callable[[object], str],
    request: pytest.FixtureRequest,
    login: Login,
    coordinator: User,
    client_head: User,
) -> None:
    target = request.getfixturevalue(fixture)
    client = login(coordinator)
    action = f"/casework/chase/{kind}/{target.pk}/"
    shown = client.get(page(target)).content.decode()
    assert f'action="{action}"' in shown
    assert "This sends" in shown
    assert "by e-mail" in shown

    response = client.post(action, follow=True)
    assert response.redirect_chain[-1][0].startswith(page(target))
    body = response.content.decode()
    assert "Reminder sent to" in body
    today = timezone.localdate()
    again = add_school_days(today, 1)
    assert f"Chased on {today:%-d %B %Y} — you can chase again from" in body
    assert f"{again:%A %-d %B %Y}" in body
    assert f'action="{action}"' not in body

    # Pressed again the same day (an old tab): refused, nothing more sent.
    before = Notification.objects.count()
    again_response = client.post(action, follow=True)
    assert "Already chased on" in again_response.content.decode()
    assert Notification.objects.count() == before


@pytest.mark.parametrize(("kind", "fixture", "page"), PAGES)
def test_who_may_press_it(
    kind: str,
    fixture: str,
    page: Callable[[object], str],
    request: pytest.FixtureRequest,
    client: Client,
    login: Login,
    other_coordinator: User,
    broker_lead: User,
    client_head: User,
    sip: User,
) -> None:
    target = request.getfixturevalue(fixture)
    action = f"/casework/chase/{kind}/{target.pk}/"
    assert client.post(action).status_code == 302  # anonymous: to sign in
    assert login(other_coordinator).post(action).status_code == 404
    assert login(sip).post(action).status_code == 404  # school route: the SIP sees none of it
    assert login(broker_lead).post(action).status_code == 403
    assert login(client_head).post(action).status_code in (403, 404)
    assert login(broker_lead).get(action).status_code == 405
    assert not Notification.objects.exists()
    assert "This sends" not in login(broker_lead).get(page(target)).content.decode()


def test_with_nobody_to_remind_the_page_says_so_and_offers_no_button(
    login: Login, coordinator: User, note: Visit
) -> None:
    body = login(coordinator).get(f"/visits/{note.pk}/").content.decode()
    assert "Nobody who must act has an account on Syslead" in body
    assert f'action="/casework/chase/visit_note/{note.pk}/"' not in body


def test_an_unknown_kind_is_404(login: Login, coordinator: User, asked: Approach) -> None:
    assert login(coordinator).post(f"/casework/chase/nagging/{asked.pk}/").status_code == 404


def test_the_home_items_say_when_they_were_last_chased(
    login: Login,
    coordinator: User,
    asked: Approach,
    note: Visit,
    feedback: FeedbackRequest,
    deployment: Deployment,
    unsigned: Deployment,
    client_head: User,
) -> None:
    Approach.objects.filter(pk=asked.pk).update(sent_at=timezone.now() - timezone.timedelta(days=9))
    Visit.objects.filter(pk=note.pk).update(
        submitted_at=timezone.now() - timezone.timedelta(days=9)
    )
    client = login(coordinator)
    for kind, target in (
        ("approach", asked),
        ("visit_note", note),
        ("feedback", feedback),
        ("no_visit", deployment),
        ("signature", unsigned),
    ):
        client.post(f"/casework/chase/{kind}/{target.pk}/")
    items = client.get("/").context["attention"]
    chased = f"Chased on {timezone.localdate():%-d %b %Y}"
    for start in (
        "No answer from",
        "Note of visit of",
        "Termly feedback overdue",
        "No visit to",
        "Agreement for Lee Leader",
    ):
        [item] = [i for i in items if i.text.startswith(start)]
        assert chased in item.detail, start


#: Who gets what from the chase button (the access matrix): 404 to those who may not see the
#: record, 403 to those who see it but may not chase it, a redirect back to the page (sent) for
#: the organisation's coordinator and the administrator.
MATRIX = {
    "approach": {
        "coordinator": 302,
        "administrator": 302,
        "other_coordinator": 404,
        "broker_lead": 403,
        "sip": 404,
        "leader_user": 403,
        "home_head": 404,
        "client_head": 403,
    },
    "signature": {
        "coordinator": 302,
        "administrator": 302,
        "other_coordinator": 404,
        "broker_lead": 403,
        "sip": 404,
        "leader_user": 403,
        "home_head": 403,
        "client_head": 403,
    },
}


@pytest.mark.parametrize(
    ("kind", "fixture", "who"),
    [
        (kind, fixture, who)
        for kind, fixture in (("approach", "asked"), ("signature", "unsigned"))
        for who in MATRIX[kind]
    ],
)
def test_the_chase_button_answers_each_role_as_the_access_rules_say(
    kind: str,
    fixture: str,
    who: str,
    request: pytest.FixtureRequest,
    login: Login,
    client_head: User,
) -> None:
    target = request.getfixturevalue(fixture)
    person = request.getfixturevalue(who)
    response = login(person).post(f"/casework/chase/{kind}/{target.pk}/")
    assert response.status_code == MATRIX[kind][who]
    assert Notification.objects.exists() == (MATRIX[kind][who] == 302)
