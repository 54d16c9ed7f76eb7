"""The note of visit's transition table (docs/transitions.md: The note of visit): every row is
reachable through a service and records its event; a step from a state the row does not list is
refused with its rule, in the API too (409, never a 5xx); the page offers what the table allows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import ApiClient
from syslead.accounts.models import User
from syslead.core.exceptions import RuleViolation
from syslead.core.models import Event
from syslead.deployments.models import Deployment
from syslead.visits import services
from syslead.visits.models import Session, Visit, VisitStatus
from syslead.visits.tests.factories import make_visit
from syslead.visits.transitions import VISIT

S = VisitStatus
People = dict[str, User]


def _revise(people: People, visit: Visit) -> Visit:
    return services.visit_revise(
        actor=people["leader"],
        visit=visit,
        date=visit.date,
        session=Session.FULL_DAY,
        hours=Decimal("6"),
        focus="Book look, revised",
    )


#: Each row: a state it starts from, and the service call taking it.
REACH: dict[str, tuple[str, Callable[[People, Visit], Visit]]] = {
    "revise": (S.CHANGES_REQUESTED, _revise),
    "agree": (S.AWAITING_AGREEMENT, lambda p, v: services.visit_agree(actor=p["head"], visit=v)),
    "request_changes": (
        S.AWAITING_AGREEMENT,
        lambda p, v: services.visit_request_changes(actor=p["head"], visit=v, comment="Add dates"),
    ),
    "sign_off": (S.AGREED, lambda p, v: services.visit_sign_off(actor=p["leader"], visit=v)),
}


@pytest.fixture
def people(leader_user: User, client_head: User) -> People:
    return {"leader": leader_user, "head": client_head}


def _visit(deployment: Deployment, status: str) -> Visit:
    return make_visit(deployment, date=dt.date(2025, 10, 6), status=status)


def test_every_row_of_the_visit_table_has_a_service_that_takes_it() -> None:
    assert set(REACH) == {row.name for row in VISIT}


@pytest.mark.parametrize("name", sorted(REACH))
def test_each_visit_transition_is_reached_through_its_service_and_records_its_event(
    name: str, people: People, deployment: Deployment
) -> None:
    start, call = REACH[name]
    call(people, _visit(deployment, start))
    visit = Visit.objects.get()
    assert visit.status == VISIT[name].target
    assert Event.objects.filter(verb=VISIT[name].records).count() == 1


@pytest.mark.parametrize("name", sorted(REACH))
def test_each_visit_transition_from_a_state_it_does_not_list_is_refused_with_its_rule(
    name: str, people: People, deployment: Deployment
) -> None:
    row = VISIT[name]
    for wrong in sorted(set(S.values) - row.sources):
        Visit.objects.all().delete()
        with pytest.raises(RuleViolation) as refused:
            REACH[name][1](people, _visit(deployment, wrong))
        assert refused.value.rule == row.rule
        assert str(refused.value)
        assert Visit.objects.get().status == wrong
    assert not Event.objects.filter(verb=row.records).exists()


def test_agreeing_a_signed_off_note_through_the_api_is_a_409_naming_the_rule(
    people: People, deployment: Deployment, api: Callable[[User | None], ApiClient]
) -> None:
    visit = _visit(deployment, S.SIGNED_OFF)
    response = api(people["head"]).post(f"/visits/{visit.pk}/agree")
    assert response.status_code == 409
    assert response.json()["rule"] == "visit_not_awaiting_agreement"


def test_the_note_page_offers_the_steps_the_table_allows(
    people: People, deployment: Deployment, client: Client
) -> None:
    visit = _visit(deployment, S.AWAITING_AGREEMENT)
    client.force_login(people["head"])
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "Agree it or ask for changes" in page
    client.force_login(people["leader"])
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "Agree it or ask for changes" not in page
    assert "Edit the note" in page
    Visit.objects.filter(pk=visit.pk).update(status=S.AGREED)
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "Sign off the note" in page
    assert "Edit the note" not in page


def test_docs_transitions_shows_the_visit_table_as_the_code_has_it() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "transitions.md").read_text()
    assert VISIT.as_markdown() in text
