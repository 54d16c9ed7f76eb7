"""Judgement when fewer than three fit: the page says why and offers sharing and judgement; a
coordinator may add a leader who fails only a soft rule (remaining days, with a capacity
override) with a recorded judgement; hard rules are never overridden; a shortlist of fewer than
three is saved with its reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from syslead.accounts.models import User
from syslead.brokering.models import (
    ApproachStatus,
    RequestStatus,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.services import (
    approach_respond,
    approach_send,
    shortlist_add_by_judgement,
    shortlist_save,
)
from syslead.brokering.tests import factories
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


@pytest.fixture
def cast(alliance: Organisation, client_school: School) -> dict[str, LeaderProfile]:
    """One leader who fits; one short of days (soft); five who each fail one hard rule."""

    def make(name: str, home: School | None = None, **kwargs: object) -> LeaderProfile:
        return factories.leader(
            home or factories.school(f"{name} School", lat=53.26),
            organisation=alliance,
            name=name,
            **kwargs,  # type: ignore[arg-type]
        )

    return {
        "fits": make("Fay Fits"),
        "short_of_days": make("Sam Short", release="2"),
        "core_training": make("Una Untrained", trained=False),
        "phase": make("Pat Secondary", phases=("secondary",)),
        "specialism": make("Eve English", specialisms=("english",)),
        "conflict_of_interest": make("Con Flict", home=client_school),
        "active_designation": make("Nora Nodesignation", designation=None),
    }


def test_a_shortlist_of_fewer_than_three_needs_its_reason(
    coordinator: User, maths_request: SupportRequest, cast: dict[str, LeaderProfile]
) -> None:
    with pytest.raises(ValidationError) as refused:
        shortlist_save(actor=coordinator, request=maths_request)
    assert "reason" in refused.value.message_dict
    assert not ShortlistEntry.objects.exists()
    [entry] = shortlist_save(
        actor=coordinator, request=maths_request, reason="Only Fay has maths and days this year"
    )
    assert entry.leader == cast["fits"]
    maths_request.refresh_from_db()
    assert maths_request.short_shortlist_reason == "Only Fay has maths and days this year"
    [event] = [e for e in events_for(maths_request) if e.verb == "request.shortlisted"]
    assert "Fewer than three because: Only Fay has maths" in event.summary


def test_a_full_shortlist_keeps_no_short_reason(
    coordinator: User, maths_request: SupportRequest, alliance: Organisation
) -> None:
    for i in range(3):
        factories.leader(factories.school(f"S{i}"), organisation=alliance)
    entries = shortlist_save(actor=coordinator, request=maths_request, reason="ignored")
    assert len(entries) == 3
    maths_request.refresh_from_db()
    assert maths_request.short_shortlist_reason == ""


def test_a_leader_short_of_days_is_added_by_judgement_and_may_then_be_asked(
    coordinator: User, maths_request: SupportRequest, cast: dict[str, LeaderProfile]
) -> None:
    shortlist_save(actor=coordinator, request=maths_request, reason="Only one fits")
    entry = shortlist_add_by_judgement(
        actor=coordinator,
        request=maths_request,
        leader=cast["short_of_days"],
        reason="Sam led the same maths work last year",
        capacity_reason="The home school releases three more days in the summer term",
    )
    assert entry.rank == 2
    assert entry.overridden_rules == ["remaining_days"]
    assert entry.judged_by == coordinator
    assert entry.judged_at is not None
    assert entry.judgement_reason.startswith("Sam led the same maths work last year")
    [event] = [e for e in events_for(maths_request) if e.verb == "request.shortlist_judgement"]
    assert "Sam Short added to the shortlist by judgement" in event.summary
    assert event.data["capacity_reason"].startswith("The home school releases")
    approach = approach_send(actor=coordinator, request=maths_request, leader=cast["short_of_days"])
    assert approach.status == ApproachStatus.PENDING


def test_remaining_days_need_a_capacity_override_and_every_judgement_a_reason(
    coordinator: User, maths_request: SupportRequest, cast: dict[str, LeaderProfile]
) -> None:
    with pytest.raises(ValidationError) as refused:
        shortlist_add_by_judgement(
            actor=coordinator, request=maths_request, leader=cast["short_of_days"], reason=""
        )
    assert set(refused.value.message_dict) == {"reason", "capacity_reason"}
    assert not ShortlistEntry.objects.exists()


def test_a_leader_who_passes_every_rule_is_added_by_judgement_with_nothing_set_aside(
    coordinator: User, maths_request: SupportRequest, cast: dict[str, LeaderProfile]
) -> None:
    entry = shortlist_add_by_judgement(
        actor=coordinator, request=maths_request, leader=cast["fits"], reason="Far but the best"
    )
    assert entry.overridden_rules == []
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.SHORTLISTED
    assert maths_request.short_shortlist_reason == "Far but the best"


@pytest.mark.parametrize(
    "rule",
    ["core_training", "phase", "specialism", "conflict_of_interest", "active_designation"],
)
def test_a_hard_rule_is_never_overridden(
    rule: str, coordinator: User, maths_request: SupportRequest, cast: dict[str, LeaderProfile]
) -> None:
    with pytest.raises(RuleViolation) as refused:
        shortlist_add_by_judgement(
            actor=coordinator,
            request=maths_request,
            leader=cast[rule],
            reason="I know them well",
            capacity_reason="Days will be found",
        )
    assert refused.value.rule == rule
    assert "no judgement overrides" in refused.value.message
    assert not ShortlistEntry.objects.exists()


def test_a_leader_who_declined_is_never_added_again(
    coordinator: User,
    maths_request: SupportRequest,
    cast: dict[str, LeaderProfile],
    alliance: Organisation,
) -> None:
    other = factories.leader(factories.school("Other"), organisation=alliance, name="Oli Other")
    shortlist_save(actor=coordinator, request=maths_request, reason="Only two fit")
    first = approach_send(actor=coordinator, request=maths_request, leader=cast["fits"])
    approach_send(actor=coordinator, request=maths_request, leader=other)
    approach_respond(actor=cast["fits"].user, approach=first, accept=False, reason="No time")
    ShortlistEntry.objects.filter(leader=cast["fits"]).update(is_live=False)
    with pytest.raises(RuleViolation) as refused:
        shortlist_add_by_judgement(
            actor=coordinator, request=maths_request, leader=cast["fits"], reason="Try again"
        )
    assert refused.value.rule == "declined"


def test_only_the_coordinator_adds_by_judgement(
    broker_lead: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    cast: dict[str, LeaderProfile],
) -> None:
    for person in (broker_lead, other_coordinator):
        with pytest.raises(NotAllowed):
            shortlist_add_by_judgement(
                actor=person, request=maths_request, leader=cast["fits"], reason="Because"
            )


# --- The pages ---------------------------------------------------------------------------------


def test_the_request_page_says_why_fewer_than_three_fit_and_what_to_do(
    login: Login, coordinator: User, maths_request: SupportRequest, cast: dict[str, LeaderProfile]
) -> None:
    client = login(coordinator)
    page = client.get(f"/requests/{maths_request.pk}/").content.decode()
    assert "Only 1 leader of 7 considered passes every rule" in page
    assert f'href="/requests/{maths_request.pk}/share/"' in page
    assert f'href="/requests/{maths_request.pk}/shortlist/judgement/"' in page
    # The excluded leaders open, their table asked for at once (htmx; a link without JavaScript).
    assert '<details class="details" id="excluded" open hx-get=' in page
    assert 'hx-trigger="load"' in page
    assert "No core training" in page or "core training" in page.lower()
    # Saving without a reason is refused on the page; with one, saved and shown.
    refused = client.post(f"/requests/{maths_request.pk}/shortlist/", follow=True)
    assert "say why you are saving a shortlist of fewer than three" in refused.content.decode()
    assert not ShortlistEntry.objects.exists()
    saved = client.post(
        f"/requests/{maths_request.pk}/shortlist/", {"reason": "Maths SLEs are scarce"}, follow=True
    ).content.decode()
    assert "Fewer than three because:</strong> Maths SLEs are scarce" in saved


def test_the_judgement_page_offers_only_soft_rule_leaders_and_records_the_judgement(
    login: Login, coordinator: User, maths_request: SupportRequest, cast: dict[str, LeaderProfile]
) -> None:
    client = login(coordinator)
    url = f"/requests/{maths_request.pk}/shortlist/judgement/"
    response = client.get(url)
    offered = {value for value, _label in response.context["form"].fields["leader"].choices}
    assert offered == {str(cast["fits"].pk), str(cast["short_of_days"].pk)}
    # A hard-rule leader posted anyway: refused in the page, nothing written.
    hard = client.post(url, {"leader": cast["phase"].pk, "reason": "Trust me"})
    assert hard.status_code == 200
    assert hard.context["form"].errors
    assert not ShortlistEntry.objects.exists()
    done = client.post(
        url,
        {
            "leader": cast["short_of_days"].pk,
            "reason": "Sam knows the school",
            "capacity_reason": "Two extra days agreed with the home school",
        },
        follow=True,
    ).content.decode()
    assert "Sam Short is on the shortlist by your judgement" in done
    assert "Added by judgement</span> Sam knows the school" in done
    assert "Alice Coordinator" in done


def test_who_may_open_the_judgement_page(
    client: Client,
    login: Login,
    maths_request: SupportRequest,
    broker_lead: User,
    other_coordinator: User,
    client_head: User,
    cast: dict[str, LeaderProfile],
) -> None:
    url = f"/requests/{maths_request.pk}/shortlist/judgement/"
    assert client.get(url).status_code == 302
    assert login(other_coordinator).get(url).status_code == 404
    assert login(broker_lead).get(url).status_code == 403
    assert login(client_head).get(url).status_code == 403
    assert (
        login(broker_lead).post(url, {"leader": cast["fits"].pk, "reason": "x"}).status_code == 403
    )
    assert not ShortlistEntry.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("administrator", 200),
        ("other_coordinator", 404),
        ("broker_lead", 403),
        ("sip", 404),  # a school-route request: the SIP does not see it
        ("leader_user", 404),  # not approached for it
        ("home_head", 404),
        ("client_head", 403),
    ],
)
def test_the_judgement_page_answers_each_role_as_the_access_rules_say(
    who: str,
    status: int,
    request: pytest.FixtureRequest,
    login: Login,
    maths_request: SupportRequest,
    lee: LeaderProfile,
) -> None:
    person = request.getfixturevalue(who)
    url = f"/requests/{maths_request.pk}/shortlist/judgement/"
    assert login(person).get(url).status_code == status
