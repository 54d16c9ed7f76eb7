"""The home page shows each person what their roles entitle them to, and nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_school
from syslead.accounts.models import User
from syslead.core import home
from syslead.core.home import AttentionItem, Section
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.organisations.services import organisation_create
from syslead.schools.models import OfstedRating, School

HOME = "/"
Login = Callable[[User], Client]


def _core_sections(response: Any, template: str) -> list[Section]:
    """Core's own sections of the page (other areas add blocks of their own)."""
    return [s for s in response.context["sections"] if s.template == f"core/home/{template}"]


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=1)


@pytest.fixture
def alliance_in_lincolnshire(alliance: Organisation, home_school: School) -> Organisation:
    alliance.lead_school = home_school
    alliance.save()
    return alliance


def test_home_refuses_anonymous_people(client: Client, db: None) -> None:
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


def test_stranger_sees_a_plain_home_with_no_organisation_data(
    login: Login, stranger: User, coordinator: User, other_coordinator: User
) -> None:
    page = login(stranger).get(HOME).content.decode()
    assert "You do not have a role in Syslead yet" in page
    assert "KYRA" not in page
    assert "South Gloucestershire" not in page
    assert "Needs attention" not in page


def test_coordinator_sees_own_organisation_and_area_counts_only(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    alliance_in_lincolnshire: Organisation,
    client_school: School,
    far_school: School,
) -> None:
    make_school(120003, "Boston Road Primary", ofsted_rating=OfstedRating.INADEQUATE)
    response = login(coordinator).get(HOME)
    page = response.content.decode()
    assert "Needs attention" in page
    assert "KYRA Teaching School Alliance" in page
    assert "South Gloucestershire Council" not in page
    assert "Schools in Lincolnshire, the lead school&#x27;s local authority" in page
    (section,) = _core_sections(response, "organisation.html")
    counts = section.context["counts"]
    assert counts["total"] == 3  # the three Lincolnshire schools, not the Bristol one
    assert counts["outstanding"] == 1
    assert counts["good"] == 1
    assert counts["inadequate"] == 1
    assert "1 coordinator" in page


def test_local_authority_area_is_its_own_schools(
    login: Login, other_coordinator: User, far_school: School, client_school: School
) -> None:
    response = login(other_coordinator).get(HOME)
    (section,) = _core_sections(response, "organisation.html")
    assert section.title == "South Gloucestershire Council"
    assert section.context["counts"]["total"] == 1
    assert "KYRA" not in response.content.decode()


def test_hub_area_is_its_districts(login: Login, administrator: User, db: None) -> None:
    hub = organisation_create(
        actor=None,
        name="L.E.A.D. Teaching School Hub Lincolnshire",
        kind="teaching_school_hub",
        area_names="Boston;Lincoln",
    )
    make_school(120010, "In Boston", district="Boston")
    make_school(120011, "In Lincoln", district="Lincoln")
    make_school(120012, "In Grantham", district="South Kesteven")
    area = home.organisation_area(hub)
    assert sorted(area.schools.values_list("name", flat=True)) == ["In Boston", "In Lincoln"]
    assert area.description == "schools in Boston, Lincoln"


def test_coordinator_sees_recent_events_of_their_organisation_only_on_the_activity_page(
    login: Login, administrator: User, db: None
) -> None:
    from conftest import make_user
    from syslead.accounts.models import Role

    mine = organisation_create(actor=None, name="Fenland Alliance", kind="teaching_school_alliance")
    secret = organisation_create(
        actor=None, name="Secret Alliance", kind="teaching_school_alliance"
    )
    coordinator = make_user("fen@fen.test", "Fen Coordinator", (Role.COORDINATOR, mine))
    client = login(coordinator)
    home_page = client.get(HOME)
    (section,) = _core_sections(home_page, "organisation.html")
    assert "events" not in section.context  # the feed has its own page, linked from home
    activity = f"{reverse('core:activity')}?organisation={mine.pk}"
    assert activity in [link.url for link in section.links]
    response = client.get(activity)
    entries = response.context["events"]
    assert [entry.event.verb for entry in entries] == ["organisation.created"]
    assert entries[0].text == "Created Fenland Alliance"
    # Asking for another organisation's activity shows one's own.
    other = client.get(f"{reverse('core:activity')}?organisation={secret.pk}")
    assert other.context["organisation"] == mine
    assert "Secret Alliance" not in other.content.decode()


def test_activity_page_refuses_people_without_an_organisation_to_coordinate(
    login: Login, client_head: User
) -> None:
    assert login(client_head).get(reverse("core:activity")).status_code == 403


def test_home_page_query_budget_for_a_coordinator_organisation_section(
    login: Login,
    coordinator: User,
    alliance_in_lincolnshire: Organisation,
    client_school: School,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    # Other areas' blocks carry their own budgets in their own tests: this one is core's.
    sources = {**home.HOME_SOURCES, "coordinator": ["syslead.core.home.coordinator_organisations"]}
    monkeypatch.setattr(home, "HOME_SOURCES", sources)
    for urn in range(130000, 130030):
        make_school(urn, f"School {urn}")
    client = login(coordinator)
    client.get(HOME)  # warm the per-process content-type cache, as a running server has it
    # Session, user, roles; organisations; counts; people; the page's own.
    with django_assert_max_num_queries(7):
        assert client.get(HOME).status_code == 200


def test_broker_lead_sees_an_organisation_summary(
    login: Login, broker_lead: User, alliance_in_lincolnshire: Organisation
) -> None:
    response = login(broker_lead).get(HOME)
    (section,) = _core_sections(response, "organisation.html")
    assert section.title == "KYRA Teaching School Alliance"
    assert "events" not in section.context
    assert 'class="timeline"' not in response.content.decode()  # the feed is a link away


def test_sip_sees_schools_that_could_benefit_weakest_first(
    login: Login, sip: User, alliance_in_lincolnshire: Organisation
) -> None:
    make_school(
        120020, "Recently Good", ofsted_rating=OfstedRating.GOOD, ofsted_inspected_on=_years_ago(1)
    )
    make_school(
        120021, "Long Ago Good", ofsted_rating=OfstedRating.GOOD, ofsted_inspected_on=_years_ago(9)
    )
    make_school(
        120022,
        "Needs Work",
        ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT,
        ofsted_inspected_on=_years_ago(2),
    )
    make_school(
        120023,
        "Struggling",
        ofsted_rating=OfstedRating.INADEQUATE,
        ofsted_inspected_on=_years_ago(1),
    )
    make_school(120024, "Elsewhere", local_authority="Rutland", ofsted_rating="inadequate")
    response = login(sip).get(HOME)
    (section,) = _core_sections(response, "sip_watch_list.html")
    names = [school.name for school in section.context["schools"]]
    # Mount Street Academy (the lead school) was never inspected on record: out of date too.
    assert names == ["Struggling", "Needs Work", "Long Ago Good", "Mount Street Academy"]
    assert "Recently Good" not in response.content.decode()
    assert "Elsewhere" not in response.content.decode()


def test_system_leader_without_a_profile_is_told_to_ask(login: Login, leader_user: User) -> None:
    page = login(leader_user).get(HOME).content.decode()
    assert "has not set up your system leader profile yet" in page


def test_system_leader_sees_their_home_school(
    login: Login, leader_user: User, home_school: School
) -> None:
    LeaderProfile.objects.create(user=leader_user, home_school=home_school, job_title="Deputy head")
    page = login(leader_user).get(HOME).content.decode()
    assert "Mount Street Academy" in page
    assert "Deputy head" in page
    assert "Not published" in page


def test_headteacher_sees_only_their_school_with_its_grade(
    login: Login, client_head: User, home_head: User
) -> None:
    response = login(client_head).get(HOME)
    page = response.content.decode()
    assert [s.title for s in _core_sections(response, "school.html")] == ["Ermine Primary Academy"]
    assert "Good" in page
    assert "Mount Street Academy" not in page


def test_administrator_sees_counts_and_the_admin(
    login: Login, administrator: User, alliance: Organisation, client_school: School
) -> None:
    response = login(administrator).get(HOME)
    (section,) = _core_sections(response, "administrator.html")
    assert section.context["organisations"] == 1
    assert section.context["schools"] == 1
    assert section.context["users"] == 1
    page = response.content.decode()
    assert "Open the admin" in page
    # Like everyone with a role, the administrator reads first that nothing is waiting.
    assert "Nothing needs your attention right now." in page


def test_my_profile_link_is_shown_only_to_system_leaders_never_to_an_administrator(
    login: Login, administrator: User, leader_user: User
) -> None:
    my_profile = reverse("leaders:my_profile")
    admin_page = login(administrator).get(HOME)
    assert my_profile not in [item.url for item in admin_page.context["nav_items"]]
    leader_page = login(leader_user).get(HOME)
    assert my_profile in [item.url for item in leader_page.context["nav_items"]]


def test_an_area_adds_attention_items_and_sections_with_one_line(
    login: Login, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def requests_waiting(user: User) -> list[AttentionItem | Section]:
        return [AttentionItem("2 requests are waiting for a shortlist", "/requests/")]

    monkeypatch.setattr(
        "syslead.core.tests.test_home.requests_waiting", requests_waiting, raising=False
    )
    sources = {
        **home.HOME_SOURCES,
        "coordinator": ["syslead.core.tests.test_home.requests_waiting"],
    }
    monkeypatch.setattr(home, "HOME_SOURCES", sources)
    page = login(coordinator).get(HOME).content.decode()
    assert '<a href="/requests/">2 requests are waiting for a shortlist</a>' in page
    assert "Nothing needs your attention" not in page
