"""The matching weights page (issue 4: "a score from weighted factors ... whose weights an
organisation can set"): each factor in plain words with its weight; the organisation's
coordinator changes them, errors shown in the page and nothing half-written; the change is on the
organisation's timeline. Nobody else changes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.engine import Weights
from syslead.brokering.forms import MATCHING_FACTORS
from syslead.brokering.models import MatchingWeights, SupportRequest
from syslead.brokering.services import WEIGHT_FIELDS
from syslead.core.events import events_for
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]
URL = reverse("brokering:weights")

NEW = {
    "specialism": "40",
    "phase": "10",
    "distance": "20",
    "remaining_days": "10",
    "experience": "5",
    "outcomes": "10",
    "same_local_authority": "5",
}


def _url(organisation: Organisation) -> str:
    return f"{URL}?organisation={organisation.pk}"


def test_every_factor_of_the_score_is_on_the_page() -> None:
    assert [factor.name for factor in MATCHING_FACTORS] == list(WEIGHT_FIELDS)


def test_coordinator_reads_each_factor_in_plain_words_with_its_weight(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    page = login(coordinator).get(URL)
    assert page.status_code == 200
    assert page.context["organisation"] == alliance
    assert [(f.name, weight) for f, weight, _ in page.context["rows"]] == [
        (name, getattr(Weights(), name)) for name in WEIGHT_FIELDS
    ]
    html = page.content.decode()
    assert "How shortlists are scored" in html
    assert "half at 30 km" in html
    assert "up to 30%" in html
    assert page.context["form"]["specialism"].value() == 30
    assert "Save the weights" in html


def test_coordinator_changes_the_weights_and_the_change_is_on_the_timeline(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    done = client.post(URL, {"organisation": alliance.pk, **NEW})
    assert done.status_code == 302
    assert done["Location"] == _url(alliance)
    row = MatchingWeights.objects.get(organisation=alliance)
    assert {name: getattr(row, name) for name in WEIGHT_FIELDS} == {
        name: int(value) for name, value in NEW.items()
    }
    [event] = events_for(alliance).filter(verb="brokering.weights_changed")
    assert event.actor == coordinator
    assert event.data["before"]["specialism"] == 30
    assert event.data["after"]["specialism"] == 40
    page = client.get(done["Location"])
    html = page.content.decode()
    assert "The weights have been saved" in html
    assert "Matching weights changed: specialism 40" in html
    assert page.context["form"]["specialism"].value() == 40


def test_new_weights_score_the_suggested_shortlist(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    lee: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    client = login(coordinator)
    client.post(URL, {**NEW, "distance": "0"})
    page = client.get(reverse("brokering:detail", args=[maths_request.pk]))
    [row] = page.context["panel"].suggested
    assert any(reason.endswith("(40/40)") for reason in row.reasons)
    # A factor switched off is not one of the reasons.
    assert not any(reason.startswith("Distance") for reason in row.reasons)


def test_weights_out_of_range_are_shown_in_the_page_and_nothing_is_written(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    refused = client.post(URL, {**NEW, "specialism": "101", "phase": "", "distance": "lots"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "There is a problem" in html
    assert (
        'href="#id_specialism">Give the weight for specialism as a whole number from 0 to 100.'
        in html
    )
    assert 'href="#id_phase">Give the weight for phase, from 0 to 100.' in html
    assert 'href="#id_distance">Give the weight for distance as a whole number' in html
    assert refused.context["form"]["specialism"].value() == "101"
    assert not MatchingWeights.objects.exists()
    assert not events_for(alliance).exists()


def test_rule_at_least_one_factor_must_count(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    client.post(URL, NEW)
    refused = client.post(URL, dict.fromkeys(WEIGHT_FIELDS, "0"))
    assert refused.status_code == 200
    assert "At least one factor must count." in refused.content.decode()
    row = MatchingWeights.objects.get(organisation=alliance)
    assert row.specialism == 40
    assert events_for(alliance).filter(verb="brokering.weights_changed").count() == 1


def test_broker_lead_reads_the_weights_but_does_not_change_them(
    login: Login, broker_lead: User, alliance: Organisation
) -> None:
    client = login(broker_lead)
    page = client.get(URL)
    assert page.status_code == 200
    assert not page.context["may_change"]
    assert "Save the weights" not in page.content.decode()
    assert client.post(URL, NEW).status_code == 403
    assert not MatchingWeights.objects.exists()


@pytest.mark.parametrize("person", ["stranger", "leader_user", "client_head", "sip"])
def test_weights_are_refused_to_people_who_do_not_broker(
    request: pytest.FixtureRequest, login: Login, alliance: Organisation, person: str
) -> None:
    client = login(request.getfixturevalue(person))
    assert client.get(_url(alliance)).status_code == 403
    assert client.post(URL, {"organisation": alliance.pk, **NEW}).status_code == 403
    assert not MatchingWeights.objects.exists()


def test_a_coordinator_of_another_organisation_cannot_read_or_change_them(
    login: Login, other_coordinator: User, alliance: Organisation, other_org: Organisation
) -> None:
    client = login(other_coordinator)
    assert client.get(_url(alliance)).status_code == 404
    assert client.post(URL, {"organisation": alliance.pk, **NEW}).status_code == 404
    assert not MatchingWeights.objects.filter(organisation=alliance).exists()
    # Their own organisation's page is theirs.
    assert client.get(URL).context["organisation"] == other_org


def test_the_shortlist_links_to_how_it_is_scored(
    login: Login,
    coordinator: User,
    broker_lead: User,
    alliance: Organisation,
    lee: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    detail = reverse("brokering:detail", args=[maths_request.pk])
    html = login(coordinator).get(detail).content.decode()
    assert f'href="{_url(alliance)}">how shortlists are scored</a>' in html
    assert f'href="{_url(alliance)}#change">change the weights</a>' in html
    html = login(broker_lead).get(detail).content.decode()
    assert "how shortlists are scored" in html
    assert "change the weights" not in html


def test_weights_page_queries(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    client = login(coordinator)
    for specialism in ("40", "35", "30"):
        client.post(URL, {**NEW, "specialism": specialism})
    with django_assert_max_num_queries(10):
        page = client.get(URL)
    assert len(page.context["changes"]) == 3
