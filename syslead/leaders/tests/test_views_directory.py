"""The coordinators' directory page: who may open it, what each filter does, and what it costs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.leaders.models import LeaderProfile
from syslead.leaders.tests.factories import associate, designate, make_leader, release
from syslead.organisations.models import Organisation
from syslead.schools.models import PostcodeArea, School

Login = Callable[[User], Client]


@pytest.fixture
def maths_sle(alliance: Organisation, home_school: School) -> LeaderProfile:
    """Sam, a maths SLE at Mount Street Academy (Lincoln), associated with the alliance."""
    leader = make_leader(school=home_school, name="Sam Maths", specialisms=("maths",))
    designate(leader, "SLE", alliance)
    associate(leader, alliance)
    release(leader, _year(), "10")
    return leader


@pytest.fixture
def english_sle(alliance: Organisation, far_school: School) -> LeaderProfile:
    """Erin, an English SLE in Bristol, associated with the alliance, without core training."""
    leader = make_leader(
        school=far_school,
        name="Erin English",
        specialisms=("english",),
        phases=("secondary",),
        core_training_completed_on=None,
    )
    designate(leader, "SLE", alliance)
    associate(leader, alliance)
    return leader


def _year() -> str:
    from syslead.core.academic_years import AcademicYear

    return AcademicYear.current().label


def _names(response: Any) -> list[str]:
    return [row.name for row in response.context["page"].object_list]


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/leaders/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_stranger_is_refused(login: Login, stranger: User) -> None:
    assert login(stranger).get("/leaders/").status_code == 403


def test_a_leader_is_refused_the_directory(login: Login, maths_sle: LeaderProfile) -> None:
    assert login(maths_sle.user).get("/leaders/").status_code == 403


def test_coordinator_sees_their_leaders_by_name(
    login: Login, coordinator: User, maths_sle: LeaderProfile, english_sle: LeaderProfile
) -> None:
    response = login(coordinator).get("/leaders/")
    assert response.status_code == 200
    assert _names(response) == ["Erin English", "Sam Maths"]
    body = response.content.decode()
    assert "Not deployable" in body  # Erin has no core training
    assert 'id="id_designation"' in body
    assert 'id="id_min_days"' in body


@pytest.mark.parametrize("role_user", ["broker_lead", "sip"])
def test_broker_leads_and_sips_see_the_directory(
    request: pytest.FixtureRequest, login: Login, role_user: str, maths_sle: LeaderProfile
) -> None:
    response = login(request.getfixturevalue(role_user)).get("/leaders/")
    assert _names(response) == ["Sam Maths"]


def test_another_organisations_coordinator_sees_none_of_them(
    login: Login, other_coordinator: User, maths_sle: LeaderProfile
) -> None:
    response = login(other_coordinator).get("/leaders/")
    assert response.status_code == 200
    assert _names(response) == []
    assert "Sam Maths" not in response.content.decode()


def test_filters_by_specialism_and_phase(
    login: Login, coordinator: User, maths_sle: LeaderProfile, english_sle: LeaderProfile
) -> None:
    client = login(coordinator)
    assert _names(client.get("/leaders/", {"specialism": "maths"})) == ["Sam Maths"]
    assert _names(client.get("/leaders/", {"phase": "secondary"})) == ["Erin English"]
    assert _names(client.get("/leaders/", {"la": "South Gloucestershire"})) == ["Erin English"]
    assert _names(client.get("/leaders/", {"designation": "LLE"})) == []


def test_near_a_school_lists_the_nearest_first_with_distances(
    login: Login,
    coordinator: User,
    client_school: School,
    maths_sle: LeaderProfile,
    english_sle: LeaderProfile,
) -> None:
    response = login(coordinator).get("/leaders/", {"near": str(client_school.urn)})
    rows = response.context["page"].object_list
    assert [r.name for r in rows] == ["Sam Maths", "Erin English"]
    assert rows[0].distance_km < 3 < 150 < rows[1].distance_km
    assert "km" in response.content.decode()


def test_within_a_distance_of_a_postcode(
    login: Login,
    coordinator: User,
    client_school: School,
    maths_sle: LeaderProfile,
    english_sle: LeaderProfile,
) -> None:
    response = login(coordinator).get("/leaders/", {"near": "LN2 2HG", "within": "10"})
    assert _names(response) == ["Sam Maths"]


def test_within_a_distance_of_an_outward_code(
    login: Login, coordinator: User, maths_sle: LeaderProfile, english_sle: LeaderProfile
) -> None:
    PostcodeArea.objects.create(outward="BS16", latitude=51.4816, longitude=-2.5122)
    response = login(coordinator).get("/leaders/", {"near": "bs16", "within": "25"})
    assert _names(response) == ["Erin English"]


def test_a_place_that_cannot_be_located_says_so(
    login: Login, coordinator: User, maths_sle: LeaderProfile
) -> None:
    response = login(coordinator).get("/leaders/", {"near": "ZZ99 9ZZ", "within": "10"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "We could not find “ZZ99 9ZZ”" in body
    assert 'href="#id_near"' in body
    assert "page" not in response.context or response.context.get("page") is None


def test_a_distance_needs_a_place(login: Login, coordinator: User) -> None:
    response = login(coordinator).get("/leaders/", {"within": "10"})
    assert escape("Give a school's URN or a postcode to search within a distance.") in (
        response.content.decode()
    )


def test_days_still_available_this_year(
    login: Login, coordinator: User, maths_sle: LeaderProfile, english_sle: LeaderProfile
) -> None:
    client = login(coordinator)
    assert _names(client.get("/leaders/", {"min_days": "5"})) == ["Sam Maths"]
    assert _names(client.get("/leaders/", {"min_days": "11"})) == []


def test_no_match_says_so(login: Login, coordinator: User, maths_sle: LeaderProfile) -> None:
    body = login(coordinator).get("/leaders/", {"specialism": "science"}).content.decode()
    assert "0 leaders found" in body
    assert "No leader matches." in body


def test_results_are_paginated(
    login: Login, coordinator: User, alliance: Organisation, home_school: School
) -> None:
    for n in range(30):
        leader = make_leader(school=home_school, name=f"Leader {n:02d}")
        associate(leader, alliance)
    client = login(coordinator)
    first = client.get("/leaders/")
    assert len(first.context["page"].object_list) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/leaders/", {"page": "2"})
    assert len(second.context["page"].object_list) == 5


def test_the_directory_costs_a_fixed_number_of_queries(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(40):
        school = make_school(130000 + n, f"School {n}", latitude=53.2 + n / 1000)
        leader = make_leader(school=school, name=f"Leader {n:02d}", specialisms=("maths",))
        designate(leader, "SLE", alliance, designated_on=dt.date(2025, 9, 1))
        associate(leader, alliance)
        release(leader, _year(), "10")
    client = login(coordinator)
    with django_assert_max_num_queries(17):
        response = client.get(
            "/leaders/",
            {
                "specialism": "maths",
                "phase": "primary",
                "near": "130001",
                "within": "25",
                "min_days": "1",
            },
        )
    assert response.context["count"] == 40


def test_an_administrator_sees_every_organisations_leaders_and_those_shared_without_a_broker(
    login: Login,
    administrator: User,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    home_school: School,
    client_school: School,
    maths_sle: LeaderProfile,
    django_assert_max_num_queries: Any,
) -> None:
    """Every organisation's leaders, in order of name case aside; a leader with no broker left
    but shared through an approved commission is listed as shared; one with neither is not."""
    from syslead.brokering.tests import factories as brokering
    from syslead.leaders.models import Association
    from syslead.leaders.tests.test_shared_leaders import _share

    theirs = make_leader(school=home_school, name="ann Other")
    associate(theirs, other_org)
    make_leader(school=home_school, name="Nobody's Leader")  # associated with no one
    quinn = brokering.leader(
        brokering.school("Quinn's School"),
        organisation=other_org,
        user=make_user("quinn@lent.test", "Quinn Lent", (Role.SYSTEM_LEADER, None)),
    )
    _share(
        quinn, brokering.support_request(client_school, alliance), coordinator, other_coordinator
    )
    Association.objects.filter(leader=quinn).update(is_live=False, ends_on=dt.date(2025, 10, 1))
    client = login(administrator)
    client.get("/leaders/")  # the local authorities' names cached
    # Session, user, the filters' two vocabularies, shared leaders, the leaders, then the page's
    # rows (details, days released and committed, designations, specialisms, phases, unsigned
    # agreements) and the page's own (roles, notifications): no list of every organisation's id,
    # nor the days delivered and invoiced (not shown).
    with django_assert_max_num_queries(15):
        response = client.get("/leaders/")
    assert _names(response) == ["ann Other", "Quinn Lent", "Sam Maths"]
    body = response.content.decode()
    assert body.count("Shared by") == 1
    assert "Shared by South Gloucestershire Council" in body


def test_the_rows_are_written_as_the_templates_loop_wrote_them(
    alliance: Organisation, home_school: School
) -> None:
    """``directory_rows`` against the template loop it replaced, rendered by Django, for rows with
    and without a place, shared, unsigned, over-committed, untrained, with nothing listed, and
    text to escape."""
    from decimal import Decimal

    from django.template import engines

    from syslead.capacity.ledger import Capacity
    from syslead.leaders.selectors.directory import CodeLabel, DirectoryDesignation, DirectoryRow
    from syslead.leaders.templatetags.syslead_directory import directory_rows

    loop = engines["django"].from_string(
        """{% for row in rows %}
        <tr>
          <td><a href="{% url 'leaders:detail' row.leader_id %}">{{ row.name }}</a><div class="small muted">{{ row.job_title }}</div>{% if row.shared_by %}<div class="small"><strong class="tag">Shared by {{ row.shared_by|join:" and " }}</strong></div>{% endif %}</td>
          <td>{% for d in row.designations %}{% include "leaders/includes/designation_tag.html" with code=d.code status=d.status %} {% empty %}<span class="muted">None</span>{% endfor %}</td>
          <td>{{ row.home_school_name }}<div class="small muted">{{ row.local_authority }}{% if row.postcode %}, {{ row.postcode }}{% endif %}</div></td>
          <td>{% for s in row.specialisms %}{{ s.label }}{% if not forloop.last %}, {% endif %}{% empty %}<span class="muted">None</span>{% endfor %}</td>
          {% if place %}<td class="num">{% if row.distance_km is not None %}{{ row.distance_km|floatformat:1 }} km{% else %}Not known{% endif %}</td>{% endif %}
          <td class="num">{{ row.remaining_days|floatformat:"-1" }}<span class="visually-hidden"> of {{ row.capacity.released|floatformat:"-1" }} released</span><div class="small muted" aria-hidden="true">of {{ row.capacity.released|floatformat:"-1" }}</div></td>
          <td>{% if not row.deployable %}<strong class="tag tag--red">Not deployable</strong>{% if not row.core_training_completed_on %}<div class="small">No core training</div>{% endif %}{% endif %}{% if row.unsigned_agreements %} <strong class="tag tag--red">Agreement not signed</strong><div class="small">Not deployable for {{ row.unsigned_agreements|join:", " }}</div>{% endif %}{% if row.capacity.over_committed %} <strong class="tag tag--amber">Over-committed</strong>{% endif %}</td>
        </tr>
        {% endfor %}"""  # noqa: E501
    )
    year = "2025-26"
    on = dt.date(2025, 9, 1)
    rows = [
        DirectoryRow(
            leader_id=7,
            name="Ann <O'Neil> & Co",
            email="ann@x.test",
            job_title='Head "of" maths',
            home_school_urn=1,
            home_school_name="St Mary's & St John's",
            local_authority="Bath & North East Somerset",
            postcode="BA1 1AA",
            designations=(
                DirectoryDesignation(1, "SLE", "active", "A", on),
                DirectoryDesignation(2, "LLE", "under_review", "A", on),
                DirectoryDesignation(3, "NLE", "lapsed", "A", on),
            ),
            specialisms=(CodeLabel("maths", "Maths & numeracy"), CodeLabel("send", "SEND")),
            phases=("primary",),
            core_training_completed_on=on,
            distance_km=12.345,
            capacity=Capacity(academic_year=year, released=Decimal("10.5"), committed=Decimal("3")),
            shared_by=("Hub <One>", "Two & Co"),
            unsigned_agreements=("Hub <One>", "Three"),
        ),
        DirectoryRow(
            leader_id=8,
            name="bob",
            email="bob@x.test",
            job_title="",
            home_school_urn=2,
            home_school_name="School",
            local_authority="",
            postcode="",
            designations=(),
            specialisms=(),
            phases=(),
            core_training_completed_on=None,
            distance_km=None,
            capacity=Capacity(academic_year=year, released=Decimal("2"), committed=Decimal("4.5")),
        ),
    ]
    for place in (None, object()):
        expected = loop.render({"rows": rows, "place": place})
        assert str(directory_rows(rows, place)) == expected
