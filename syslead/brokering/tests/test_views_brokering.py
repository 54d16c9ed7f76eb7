"""The brokering pages: the coordinator's shortlist with every reason, saving and swapping it,
asking leaders for provisional agreement; the leader's approaches and answer; the headteacher's
side-by-side choice with a confirm step, repeated until all agree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    RequestStatus,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.services import approach_respond, approach_send, shortlist_save
from syslead.brokering.tests import factories
from syslead.leaders.models import LeaderProfile, ReleaseAgreement
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]


@pytest.fixture
def four(alliance: Organisation) -> list[LeaderProfile]:
    """Four maths SLEs of the alliance, nearest first; and one who is not trained."""
    leaders = [
        factories.leader(
            factories.school(f"School {i}", lat=53.25 + 0.05 * i),
            organisation=alliance,
            name=f"Leader {chr(65 + i)}",
            pen_portrait=f"Pen portrait of leader {chr(65 + i)}.",
        )
        for i in range(4)
    ]
    factories.leader(
        factories.school("Untrained School"),
        organisation=alliance,
        name="Una Untrained",
        trained=False,
    )
    return leaders


def _detail(support_request: SupportRequest) -> str:
    return reverse("brokering:detail", args=[support_request.pk])


def _shortlisted(coordinator: User, support_request: SupportRequest) -> list[ShortlistEntry]:
    return shortlist_save(actor=coordinator, request=support_request)


def _agreed(
    coordinator: User, support_request: SupportRequest, leaders: list[LeaderProfile]
) -> list[Approach]:
    _shortlisted(coordinator, support_request)
    approaches = []
    for leader in leaders[:3]:
        approach = approach_send(actor=coordinator, request=support_request, leader=leader)
        approaches.append(approach_respond(actor=leader.user, approach=approach, accept=True))
    return approaches


# --- The shortlist --------------------------------------------------------------------------------


def test_coordinator_sees_the_best_three_with_reasons_and_the_excluded_with_every_reason(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    response = login(coordinator).get(_detail(maths_request))
    panel = response.context["panel"]
    assert [row.leader_name for row in panel.suggested] == ["Leader A", "Leader B", "Leader C"]
    assert [e.leader_name for e in panel.excluded] == ["Una Untrained"]
    content = response.content.decode()
    assert "Specialism: maths matches (30/30)" in content
    assert "Core training not completed" in content
    assert "1 leader excluded, with every reason</summary>" in content
    assert "Save this shortlist" in content


def test_excluded_leaders_are_grouped_by_the_same_reasons_largest_group_first(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    """A hub considers over a thousand leaders: the page lists each distinct set of reasons once
    with the leaders it excludes, so every reason is still shown for every leader."""
    factories.leader(
        factories.school("Another Untrained School"),
        organisation=alliance,
        name="Ann Untrained",
        trained=False,
    )
    client = login(coordinator)
    response = client.get(_detail(maths_request))
    [group] = response.context["panel"].excluded_groups
    assert group.names == ["Ann Untrained", "Una Untrained"]
    assert any("Core training not completed" in reason for reason in group.reasons)
    assert "2 leaders excluded, with every reason</summary>" in response.content.decode()
    page = client.get(_excluded(maths_request))
    assert [g.names for g in page.context["groups"]] == [["Ann Untrained", "Una Untrained"]]
    assert "<strong>2 leaders:</strong> Ann Untrained, Una Untrained" in page.content.decode()


def _excluded(support_request: SupportRequest) -> str:
    return reverse("brokering:excluded", args=[support_request.pk])


def test_the_request_page_counts_the_excluded_by_rule_and_links_to_every_one_of_them(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    """A hub excludes a thousand leaders or more: the page says how many, and how many each rule
    excludes; the table of every excluded leader with every reason is asked for when the
    disclosure is opened (htmx), or opened as a page of its own without JavaScript."""
    factories.leader(
        factories.school("Science School"),
        organisation=alliance,
        name="Sid Science",
        specialisms=("science",),
        trained=False,
    )
    content = login(coordinator).get(_detail(maths_request)).content.decode()
    assert "2 leaders excluded, with every reason</summary>" in content
    table = content[content.index('<details class="details" id="excluded"') :]
    table = table[: table.index("</details>")]
    # The rules, each with how many leaders fail it (Sid fails two rules: counted under each).
    assert '<td data-label="Rule they fail">Core training not completed</td>' in table
    assert '<td data-label="Leaders" class="num">2</td>' in table
    assert "No specialism in common with the needs</td>" in table
    assert "A leader who fails several rules is counted under each." in table
    # Not the leaders themselves: those are behind the link, and the htmx request.
    assert "Una Untrained" not in content
    assert "Sid Science" not in content
    url = _excluded(maths_request)
    assert f'hx-get="{url}" hx-trigger="toggle once" hx-target="#excluded-leaders"' in table
    assert f'<a href="{url}">Every leader excluded, with every reason</a>' in table


def test_the_excluded_page_lists_every_excluded_leader_with_every_reason(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    factories.leader(
        factories.school("Science School"),
        organisation=alliance,
        name="Sid Science",
        specialisms=("science",),
        trained=False,
    )
    client = login(coordinator)
    page = client.get(_excluded(maths_request))
    assert page.status_code == 200
    content = page.content.decode()
    assert "<h1>Leaders excluded from the shortlist: Ermine Primary Academy</h1>" in content
    assert "2 of the 6 leaders considered are excluded" in content
    assert "<caption" in content
    assert "Leaders excluded from this request and why" in content
    assert '<th scope="col">Why they cannot be matched</th>' in content
    # Each leader with every reason they fail, in a group of their own (they fail differently).
    groups = {tuple(g.names): g.reasons for g in page.context["groups"]}
    assert groups[("Una Untrained",)] == ("Core training not completed",)
    assert groups[("Sid Science",)] == (
        "Core training not completed",
        "No specialism in common with the needs (maths)",
    )
    for name, reasons in groups.items():
        assert name[0] in content
        assert all(reason in content for reason in reasons)
    assert 'href="/requests/' in content  # back to the request
    assert page["Vary"]
    assert "HX-Request" in page["Vary"]

    # Asked by htmx (the request page's disclosure): the table alone, without the layout.
    fragment = client.get(_excluded(maths_request), headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert body.lstrip().startswith('<div class="table-wrap">')
    assert "<html" not in body
    assert "<h1>" not in body
    assert "Sid Science" in body
    assert "No specialism in common with the needs (maths)" in body
    assert 'data-label="Why they cannot be matched"' in body


def test_the_excluded_leaders_are_for_the_request_s_broker_only(
    login: Login,
    other_coordinator: User,
    client_head: User,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    """The request's visibility first (another broker's coordinator: 404, page and fragment),
    then who may read its shortlist (its headteacher sees the request, not the shortlist)."""
    url = _excluded(maths_request)
    client = login(other_coordinator)
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    assert login(client_head).get(url).status_code == 403


def test_when_fewer_than_three_fit_the_excluded_are_open_and_loaded_at_once(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    maths_request: SupportRequest,
) -> None:
    factories.leader(factories.school("School A"), organisation=alliance, name="Ada Able")
    factories.leader(
        factories.school("Untrained School"),
        organisation=alliance,
        name="Una Untrained",
        trained=False,
    )
    content = login(coordinator).get(_detail(maths_request)).content.decode()
    assert "Only 1 leader of 2 considered passes every rule" in content
    url = _excluded(maths_request)
    assert f'id="excluded" open hx-get="{url}" hx-trigger="load"' in content
    assert "1 leader excluded, with every reason</summary>" in content


def test_the_request_page_names_the_organisations_own_specialisms_and_a_new_label_at_once(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    """The labels come with the organisation's kept leader facts (docs/rules.md, "Precomputed
    leader facts"): a change to a specialism is a change to those facts, read again."""
    from syslead.leaders.models import Specialism

    oracy = Specialism.objects.create(
        code="oracy", label="Oracy", organisation=maths_request.organisation
    )
    maths_request.needs = ["maths", "oracy"]
    maths_request.save(update_fields=["needs"])
    client = login(coordinator)
    first = client.get(_detail(maths_request))
    assert first.context["panel"] is not None
    assert "Oracy" in first.content.decode()
    oracy.label = "Speaking and listening"
    oracy.save(update_fields=["label"])
    again = client.get(_detail(maths_request)).content.decode()
    assert "Speaking and listening" in again
    assert "Oracy" not in again


def test_the_request_page_query_budget(
    login: Login,
    coordinator: User,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
    django_assert_max_num_queries: Any,
) -> None:
    """A new request's page reads none of the records it does not have yet (approaches,
    commissions, a direct commission, a live shortlist: one query says which it has; with no
    commission its shortlist does not ask for leaders lent to it, and the specialisms' words
    come with the organisation's kept leader facts). With a saved shortlist,
    approaches sent and one declined, the leaders who declined are read from the approaches
    already read, not asked for again."""
    client = login(coordinator)
    client.get(_detail(maths_request))
    with django_assert_max_num_queries(10):
        response = client.get(_detail(maths_request))
    assert len(response.context["panel"].suggested) == 3
    _shortlisted(coordinator, maths_request)
    approach = approach_send(actor=coordinator, request=maths_request, leader=four[0])
    approach_send(actor=coordinator, request=maths_request, leader=four[1])
    approach_respond(actor=four[0].user, approach=approach, accept=False, reason="Busy.")
    with django_assert_max_num_queries(15):
        response = client.get(_detail(maths_request))
    assert response.status_code == 200
    assert response.context["panel"].declined_ever == {four[0].pk}
    assert len(response.context["approaches"]) == 2


def test_coordinator_saves_the_shortlist_and_asks_all_three(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    client = login(coordinator)
    saved = client.post(reverse("brokering:shortlist_save", args=[maths_request.pk]))
    assert saved["Location"] == _detail(maths_request) + "#shortlist"
    page = client.get(_detail(maths_request))
    assert [row.leader_id for row in page.context["panel"].saved] == [
        leader.pk for leader in four[:3]
    ]
    assert page.context["panel"].saved[0].remaining_days == 10
    form = page.context["approach_form"]
    assert form.fields["leaders"].initial == [str(leader.pk) for leader in four[:3]]
    sent = client.post(
        reverse("brokering:approaches_send", args=[maths_request.pk]),
        {"leaders": [str(leader.pk) for leader in four[:3]], "message": "Spring term please."},
    )
    assert sent.status_code == 302
    assert Approach.objects.filter(support_request=maths_request).count() == 3
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.APPROACHING


def test_asking_nobody_is_an_error_in_the_summary(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    _shortlisted(coordinator, maths_request)
    response = login(coordinator).post(
        reverse("brokering:approaches_send", args=[maths_request.pk]), {"leaders": []}
    )
    assert response.status_code == 200
    assert 'href="#id_leaders_0">Select at least one leader to ask.' in response.content.decode()


def test_saving_a_shortlist_with_no_candidate_shows_the_refusal(
    login: Login, coordinator: User, maths_request: SupportRequest
) -> None:
    response = login(coordinator).post(
        reverse("brokering:shortlist_save", args=[maths_request.pk]), follow=True
    )
    assert "passes every rule for this request" in response.content.decode()


def test_only_the_organisations_coordinator_saves_or_approaches(
    login: Login,
    broker_lead: User,
    client_head: User,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    for user in (broker_lead, client_head):
        client = login(user)
        url = reverse("brokering:shortlist_save", args=[maths_request.pk])
        assert client.post(url).status_code == 403
        url = reverse("brokering:approaches_send", args=[maths_request.pk])
        assert client.post(url, {"leaders": [str(four[0].pk)]}).status_code == 403
    assert not ShortlistEntry.objects.exists()


def test_broker_lead_reads_the_shortlist_without_the_buttons(
    login: Login, broker_lead: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    response = login(broker_lead).get(_detail(maths_request))
    assert len(response.context["panel"].suggested) == 3
    assert "Save this shortlist" not in response.content.decode()


def test_headteacher_reads_the_timeline_without_names_or_scores(
    login: Login,
    coordinator: User,
    client_head: User,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    _shortlisted(coordinator, maths_request)
    approach = approach_send(actor=coordinator, request=maths_request, leader=four[0])
    approach_respond(actor=four[0].user, approach=approach, accept=False, reason="No cover")
    content = login(client_head).get(_detail(maths_request)).content.decode()
    assert "Leaders shortlisted" in content
    assert "A leader declined" in content
    assert "No cover" not in content
    assert "Leader A" not in content


def test_the_approached_leader_reads_their_own_approach_in_full(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    _shortlisted(coordinator, maths_request)
    approach_send(actor=coordinator, request=maths_request, leader=four[0])
    approach_send(actor=coordinator, request=maths_request, leader=four[1])
    response = login(four[0].user).get(_detail(maths_request))
    content = response.content.decode()
    assert "Leader A asked for provisional agreement" in content
    assert "Leader B asked" not in content
    assert "A leader was asked for provisional agreement" in content
    assert response.context["own_approach"].leader_id == four[0].pk


# --- Swapping -------------------------------------------------------------------------------------


def test_coordinator_swaps_a_leader_with_a_reason_shown_on_the_page(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    entries = _shortlisted(coordinator, maths_request)
    client = login(coordinator)
    url = reverse("brokering:shortlist_swap", args=[maths_request.pk, entries[1].pk])
    form = client.get(url).context["form"]
    assert [value for value, _ in form.fields["leader"].choices] == [str(four[3].pk)]
    missing = client.post(url, {"leader": str(four[3].pk), "reason": ""})
    assert 'href="#id_reason">Say why you are changing the shortlist.' in missing.content.decode()
    done = client.post(url, {"leader": str(four[3].pk), "reason": "Knows the school well"})
    assert done.status_code == 302
    content = client.get(_detail(maths_request)).content.decode()
    assert "Swapped in because: Knows the school well" in content
    assert "Leader D" in content


def test_swap_is_refused_to_everyone_but_the_coordinator(
    login: Login,
    coordinator: User,
    broker_lead: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    entries = _shortlisted(coordinator, maths_request)
    url = reverse("brokering:shortlist_swap", args=[maths_request.pk, entries[0].pk])
    assert login(broker_lead).get(url).status_code == 403
    assert login(other_coordinator).get(url).status_code == 404


def test_a_leader_approached_cannot_be_swapped_until_withdrawn(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    entries = _shortlisted(coordinator, maths_request)
    approach = approach_send(actor=coordinator, request=maths_request, leader=four[0])
    client = login(coordinator)
    url = reverse("brokering:shortlist_swap", args=[maths_request.pk, entries[0].pk])
    refused = client.post(url, {"leader": str(four[3].pk), "reason": "Closer"})
    assert "has been approached: withdraw the approach" in refused.content.decode()
    withdraw = reverse("brokering:approach_withdraw", args=[approach.pk])
    assert 'href="#id_reason">' in client.post(withdraw, {"reason": ""}).content.decode()
    assert client.post(withdraw, {"reason": "No answer"}).status_code == 302
    approach.refresh_from_db()
    assert approach.status == ApproachStatus.WITHDRAWN


# --- The leader's approaches ----------------------------------------------------------------------


def test_leader_answers_from_the_inbox_and_a_decline_needs_a_reason(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    _shortlisted(coordinator, maths_request)
    approach = approach_send(actor=coordinator, request=maths_request, leader=four[0])
    client = login(four[0].user)
    inbox = client.get(reverse("brokering:approaches"))
    assert inbox.context["to_answer"] == [approach]
    url = reverse("brokering:approach", args=[approach.pk])
    page = client.get(url)
    assert "Could you support Ermine Primary Academy?" in page.content.decode()
    no_answer = client.post(url, {})
    assert 'href="#id_answer_0">Say whether you agree or decline.' in no_answer.content.decode()
    no_reason = client.post(url, {"answer": "decline", "reason": ""})
    assert 'href="#id_reason">Say why you are declining.' in no_reason.content.decode()
    mail.outbox.clear()
    declined = client.post(url, {"answer": "decline", "reason": "No release days left"})
    assert declined["Location"] == reverse("brokering:approaches")
    approach.refresh_from_db()
    assert approach.status == ApproachStatus.DECLINED
    assert approach.decline_reason == "No release days left"


def test_another_leader_cannot_open_or_answer_the_approach(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    _shortlisted(coordinator, maths_request)
    approach = approach_send(actor=coordinator, request=maths_request, leader=four[0])
    url = reverse("brokering:approach", args=[approach.pk])
    client = login(four[1].user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    assert login(coordinator).get(url).status_code == 404


def test_approaches_page_is_for_leaders_only(login: Login, client_head: User) -> None:
    assert login(client_head).get(reverse("brokering:approaches")).status_code == 403


def test_approaches_page_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    four: list[LeaderProfile],
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(10):
        request = factories.support_request(factories.school(f"Client {i}"), alliance)
        _shortlisted(coordinator, request)
        approach_send(actor=coordinator, request=request, leader=four[0])
    client = login(four[0].user)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("brokering:approaches"))
    assert len(response.context["to_answer"]) == 10


# --- The headteacher's choice ---------------------------------------------------------------------


def test_headteacher_compares_those_who_agreed_and_confirms_a_choice(
    login: Login,
    coordinator: User,
    client_head: User,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    _agreed(coordinator, maths_request, four)
    client = login(client_head)
    url = reverse("brokering:choose", args=[maths_request.pk])
    page = client.get(url)
    content = page.content.decode()
    assert [card.leader.pk for card in page.context["cards"]] == [leader.pk for leader in four[:3]]
    assert "Pen portrait of leader B." in content
    assert "SLE (Specialist Leader of Education)" in content
    assert " km from Ermine Primary Academy" in content
    nothing = client.post(url, {"step": "check"})
    assert 'href="#id_leader_0">Choose one of the leaders who agreed.' in nothing.content.decode()
    check = client.post(url, {"leader": str(four[1].pk), "step": "check"})
    assert check.templates[0].name == "brokering/choose_check.html"
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.AWAITING_CHOICE
    done = client.post(url, {"leader": str(four[1].pk), "step": "confirm"})
    assert done["Location"] == _detail(maths_request)
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.MATCHED
    assert maths_request.chosen_leader == four[1]


def test_a_refusal_such_as_no_release_for_the_year_is_shown(
    login: Login,
    coordinator: User,
    client_head: User,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    _agreed(coordinator, maths_request, four)
    ReleaseAgreement.objects.filter(leader=four[0]).delete()
    response = login(client_head).post(
        reverse("brokering:choose", args=[maths_request.pk]),
        {"leader": str(four[0].pk), "step": "confirm"},
    )
    assert response.status_code == 200
    assert "has not agreed how many days it releases Leader A" in response.content.decode()
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.AWAITING_CHOICE


def test_when_every_leader_declines_the_request_is_open_for_another_shortlist(
    login: Login, coordinator: User, maths_request: SupportRequest, four: list[LeaderProfile]
) -> None:
    _shortlisted(coordinator, maths_request)
    approaches = [
        approach_send(actor=coordinator, request=maths_request, leader=leader)
        for leader in four[:3]
    ]
    for approach in approaches:
        approach_respond(actor=approach.leader.user, approach=approach, accept=False, reason="Busy")
    response = login(coordinator).get(_detail(maths_request))
    assert response.context["item"].status == RequestStatus.OPEN
    assert response.context["declined_all"]
    assert [row.leader_id for row in response.context["panel"].suggested] == [four[3].pk]
    assert "Every leader approached declined" in response.content.decode()


def test_choice_is_refused_to_others(
    login: Login,
    coordinator: User,
    home_head: User,
    maths_request: SupportRequest,
    four: list[LeaderProfile],
) -> None:
    _agreed(coordinator, maths_request, four)
    url = reverse("brokering:choose", args=[maths_request.pk])
    # On the school route the coordinator does not choose for the headteacher.
    assert login(coordinator).get(url).status_code == 403
    assert login(home_head).get(url).status_code == 404
    assert login(four[0].user).get(url).status_code == 403


def test_on_the_la_route_the_coordinator_records_the_heads_choice(
    login: Login, coordinator: User, alliance: Organisation, four: list[LeaderProfile]
) -> None:
    support_request = factories.support_request(
        factories.school("LA Client"), alliance, route="local_authority"
    )
    _agreed(coordinator, support_request, four)
    client = login(coordinator)
    assert (
        "Record the headteacher's choice" in client.get(_detail(support_request)).content.decode()
    )
    url = reverse("brokering:choose", args=[support_request.pk])
    assert client.post(url, {"leader": str(four[2].pk), "step": "confirm"}).status_code == 302
    support_request.refresh_from_db()
    assert support_request.chosen_leader == four[2]


def test_request_page_costs_the_same_however_many_leaders_and_approaches(
    login: Login,
    coordinator: User,
    client_head: User,
    maths_request: SupportRequest,
    alliance: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    leaders = [
        factories.leader(
            factories.school(f"School {i}", lat=53.25 + 0.01 * i), organisation=alliance
        )
        for i in range(30)
    ]
    _shortlisted(coordinator, maths_request)
    for leader in leaders[:3]:
        approach_send(actor=coordinator, request=maths_request, leader=leader)
    broker = login(coordinator)
    with django_assert_max_num_queries(22):
        assert broker.get(_detail(maths_request)).status_code == 200
    head = login(client_head)
    # One of them lists its documents; one reads whether the school named the leader.
    with django_assert_max_num_queries(12):
        assert head.get(_detail(maths_request)).status_code == 200
