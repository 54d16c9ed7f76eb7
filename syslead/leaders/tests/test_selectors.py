"""Who sees which leader; the coordinators' directory; the public directory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.leaders.models import Designation, DesignationStatus, LeaderProfile
from syslead.leaders.selectors import (
    association_for_user,
    designation_for_user,
    directory_search,
    leader_for_user,
    leaders_visible_to,
    public_directory,
)
from syslead.leaders.selectors.directory import (
    _PARTIAL_SORT_LIMIT,
    _Base,
    _ByName,
    _nearest_first,
)
from syslead.leaders.services import association_end, leader_set_publication
from syslead.leaders.tests.factories import associate, designate, make_leader, release
from syslead.organisations.models import Organisation
from syslead.schools.geo import haversine_km
from syslead.schools.models import School

YEAR = "2025-26"


# Visibility


def test_who_sees_a_leader(
    leader: LeaderProfile,
    administrator: User,
    coordinator: User,
    broker_lead: User,
    sip: User,
    leader_user: User,
    home_head: User,
    other_coordinator: User,
    client_head: User,
    stranger: User,
) -> None:
    for user in (administrator, coordinator, broker_lead, sip, leader_user, home_head):
        assert leader_for_user(user, leader.pk) == leader
    for user in (other_coordinator, client_head, stranger):
        with pytest.raises(Http404):
            leader_for_user(user, leader.pk)
    with pytest.raises(Http404):
        leader_for_user(administrator, 999999)
    with pytest.raises(Http404):
        leader_for_user(administrator, "not-a-number")


def test_an_organisation_sees_leaders_it_was_associated_with_or_designated(
    home_school: School, other_org: Organisation, other_coordinator: User, coordinator: User
) -> None:
    former = make_leader(school=home_school)
    association = associate(former, other_org)
    association_end(
        actor=other_coordinator,
        association=association,
        ends_on=dt.date(2025, 12, 31),
        reason="Moved away.",
    )
    designated = make_leader(school=home_school)
    designate(
        designated,
        "NLE",
        other_org,
        status=DesignationStatus.REVOKED,
        revoked_on=dt.date(2025, 10, 1),
    )
    visible = set(leaders_visible_to(other_coordinator))
    assert visible == {former, designated}
    assert not leaders_visible_to(coordinator).filter(pk__in=[former.pk, designated.pk]).exists()


def test_designations_and_associations_are_seen_with_their_leader(
    lle: Designation, leader: LeaderProfile, coordinator: User, other_coordinator: User
) -> None:
    association = leader.associations.get()
    assert designation_for_user(coordinator, lle.pk) == lle
    assert association_for_user(coordinator, association.pk) == association
    with pytest.raises(Http404):
        designation_for_user(other_coordinator, lle.pk)
    with pytest.raises(Http404):
        association_for_user(other_coordinator, association.pk)


# The directory


@pytest.fixture
def directory(alliance: Organisation, other_org: Organisation, home_school: School) -> dict:
    """Leaders of the alliance around Lincoln, one in Grantham, one far away, one of the LA."""
    grantham = make_school(
        120100,
        "Grantham Primary",
        town="Grantham",
        postcode="NG31 6AA",
        latitude=52.9119,
        longitude=-0.6406,
        local_authority="Lincolnshire",
    )
    bristol = make_school(
        109100,
        "Bristol Primary",
        town="Bristol",
        postcode="BS1 1AA",
        latitude=51.4545,
        longitude=-2.5879,
        local_authority="Bristol",
    )
    near = make_leader(school=home_school, name="Ann Near", specialisms=("maths", "send"))
    designate(near, "LLE", alliance)
    associate(near, alliance, exclusive=True)
    release(near, YEAR, "10")
    middle = make_leader(school=grantham, name="Bob Middle", specialisms=("maths",))
    designate(middle, "SLE", alliance)
    associate(middle, alliance)
    release(middle, YEAR, "3")
    far = make_leader(
        school=bristol, name="Cat Far", specialisms=("english",), phases=("secondary",)
    )
    designate(far, "SLE", alliance)
    associate(far, alliance)
    untrained = make_leader(
        school=home_school, name="Dan Untrained", core_training_completed_on=None
    )
    designate(untrained, "SLE", alliance)
    associate(untrained, alliance)
    theirs = make_leader(school=home_school, name="Eve Elsewhere")
    associate(theirs, other_org)
    return {"near": near, "middle": middle, "far": far, "untrained": untrained, "theirs": theirs}


def test_the_directory_lists_the_coordinators_organisations_leaders_by_name(
    directory: dict, coordinator: User, alliance: Organisation, other_org: Organisation
) -> None:
    rows = directory_search(
        user=coordinator, organisation_ids=[alliance.pk, other_org.pk], academic_year=YEAR
    )
    assert [r.name for r in rows] == ["Ann Near", "Bob Middle", "Cat Far", "Dan Untrained"]
    ann = rows[0]
    assert [d.code for d in ann.designations] == ["LLE"]
    assert [s.code for s in ann.specialisms] == ["maths", "send"]
    assert ann.phases == ("primary",)
    assert ann.remaining_days == Decimal("10")
    assert ann.deployable
    assert not rows[3].deployable


def test_the_directory_is_nearest_first_within_a_distance(
    directory: dict, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    lincoln = (client_school.latitude, client_school.longitude)
    rows = directory_search(
        user=coordinator, organisation_ids=[alliance.pk], academic_year=YEAR, near=lincoln
    )
    assert [r.name for r in rows][:2] == ["Ann Near", "Dan Untrained"]
    assert rows[-1].name == "Cat Far"
    assert rows[0].distance_km is not None
    assert rows[0].distance_km < 2
    within = directory_search(
        user=coordinator,
        organisation_ids=[alliance.pk],
        academic_year=YEAR,
        near=lincoln,
        within_km=50,
    )
    assert [r.name for r in within] == ["Ann Near", "Dan Untrained", "Bob Middle"]
    assert 30 < (within[2].distance_km or 0) < 50


def test_the_directory_filters(directory: dict, coordinator: User, alliance: Organisation) -> None:
    def names(**filters: object) -> list[str]:
        return [
            r.name
            for r in directory_search(
                user=coordinator,
                organisation_ids=[alliance.pk],
                academic_year=YEAR,
                **filters,  # type: ignore[arg-type]
            )
        ]

    assert names(designation_type="lle") == ["Ann Near"]
    assert names(specialism="english") == ["Cat Far"]
    assert names(phase="secondary") == ["Cat Far"]
    assert names(local_authority="bristol") == ["Cat Far"]
    assert names(min_available_days=Decimal("5")) == ["Ann Near"]
    assert names(min_available_days=Decimal("3")) == ["Ann Near", "Bob Middle"]
    assert names(specialism="maths", limit=1) == ["Ann Near"]


def test_the_directory_shows_nothing_of_other_organisations(
    directory: dict,
    other_coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    stranger: User,
) -> None:
    rows = directory_search(
        user=other_coordinator, organisation_ids=[alliance.pk, other_org.pk], academic_year=YEAR
    )
    assert [r.name for r in rows] == ["Eve Elsewhere"]
    assert directory_search(user=stranger, organisation_ids=[alliance.pk], academic_year=YEAR) == []


def test_the_directory_takes_a_fixed_number_of_queries(
    directory: dict,
    coordinator: User,
    alliance: Organisation,
    home_school: School,
    client_school: School,
    django_assert_max_num_queries: object,
) -> None:
    for _ in range(40):
        extra = make_leader(school=home_school, specialisms=("maths", "send", "phonics"))
        designate(extra, "SLE", alliance)
        associate(extra, alliance)
    # The search, then every row read: base rows, details, a query per ledger column,
    # designations, specialisms, phases, the brokers' agreements not signed (and the
    # coordinator's roles).
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        rows = directory_search(
            user=coordinator,
            organisation_ids=[alliance.pk],
            academic_year=YEAR,
            near=(client_school.latitude, client_school.longitude),
            within_km=100,
            specialism="maths",
            min_available_days=Decimal("0"),
        )
        every_row = list(rows)
    assert len(every_row) == 43
    assert every_row[0].name == "Ann Near"


def test_reading_a_page_of_the_directory_builds_that_page_only(
    directory: dict,
    coordinator: User,
    alliance: Organisation,
    home_school: School,
    django_assert_max_num_queries: object,
    django_assert_num_queries: object,
) -> None:
    for _ in range(30):
        extra = make_leader(school=home_school)
        associate(extra, alliance)
    rows = directory_search(user=coordinator, organisation_ids=[alliance.pk], academic_year=YEAR)
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert len(rows) == 34
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        page = rows[10:20]
    assert [r.leader_id for r in page] == rows.leader_ids[10:20]
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert rows[10] == page[0]  # built once


def test_the_sql_remaining_days_agree_with_the_ledger(
    home_school: School, alliance: Organisation, client_school: School
) -> None:
    from syslead.capacity.ledger import capacities_for, with_remaining_days
    from syslead.deployments.models import DeploymentStatus
    from syslead.leaders.tests.factories import make_deployment

    leaders = [make_leader(school=home_school) for _ in range(6)]
    for n, leader in enumerate(leaders):
        if n % 3:
            release(leader, YEAR, str(n * 2.5))
        for m in range(n % 3 or 1):
            make_deployment(
                leader,
                organisation=alliance,
                client_school=client_school,
                full_days=m + 1,
                half_days=n % 2,
                twilight_sessions=m,
                status=DeploymentStatus.ACTIVE if m else DeploymentStatus.AWAITING_SIGNATURES,
            )
    queryset = LeaderProfile.objects.filter(pk__in=[leader.pk for leader in leaders])
    ledger = capacities_for(leaders, YEAR)
    in_sql = dict(with_remaining_days(queryset, YEAR).values_list("pk", "remaining_days"))
    assert {pk: Decimal(v) for pk, v in in_sql.items()} == {
        pk: c.remaining for pk, c in ledger.items()
    }
    assert any(c.remaining < 0 for c in ledger.values())  # over-committed leaders included


# The public directory


def test_the_public_directory_shows_only_published_profiles_and_consented_parts(
    lle: Designation,
    leader: LeaderProfile,
    leader_user: User,
    alliance: Organisation,
    home_school: School,
) -> None:
    assert public_directory(alliance) == []
    leader_set_publication(
        actor=leader_user, leader=leader, publish_profile=True, publish_school=False
    )
    shy = make_leader(school=home_school, name="Shy Leader")
    designate(shy, "SLE", alliance)
    associate(shy, alliance)
    (profile,) = public_directory(alliance)
    assert profile.leader_id == leader.pk
    assert profile.designations == ("LLE",)
    assert profile.name == "Lee Leader"
    assert profile.school_name is None
    assert profile.specialisms == ("Maths", "SEND")
    assert profile.pen_portrait is None  # not consented (off by default)
    leader_set_publication(actor=leader_user, leader=leader, publish_pen_portrait=True)
    (profile,) = public_directory(alliance)
    assert profile.pen_portrait == "Twelve years in primary maths leadership."


def test_a_revoked_leader_leaves_the_public_directory(
    lle: Designation, leader: LeaderProfile, leader_user: User, alliance: Organisation
) -> None:
    leader_set_publication(actor=leader_user, leader=leader, publish_profile=True)
    Designation.objects.filter(pk=lle.pk).update(
        status=DesignationStatus.REVOKED, revoked_on=dt.date(2026, 1, 1)
    )
    assert public_directory(alliance) == []


def test_a_sip_reads_the_directory_of_their_organisation(
    directory: dict, alliance: Organisation
) -> None:
    sid = make_user("sid2@kyra.test", "Sid Two", (Role.SIP, alliance))
    assert len(directory_search(user=sid, organisation_ids=[alliance.pk], academic_year=YEAR)) == 4


@given(
    near=st.tuples(st.floats(50, 56), st.floats(-5, 1.5)),
    points=st.lists(
        st.one_of(st.none(), st.tuples(st.floats(49.5, 58.7), st.floats(-8, 1.8))),
        max_size=40,
    ),
    within_km=st.one_of(st.none(), st.floats(0, 800)),
)
def test_nearest_first_orders_and_cuts_exactly_as_haversine_km(
    near: tuple[float, float],
    points: list[tuple[float, float] | None],
    within_km: float | None,
) -> None:
    base = [
        _Base(n, f"Leader {n:03d}", *(point if point else (None, None)))
        for n, point in enumerate(points)
    ]
    got = [row.leader_id for row in _nearest_first(base, near, within_km)]

    def km(row: _Base) -> float:
        assert row.latitude is not None
        assert row.longitude is not None
        return haversine_km(near[0], near[1], row.latitude, row.longitude)

    placed = [row for row in base if row.latitude is not None]
    expected = sorted(
        (row for row in placed if within_km is None or km(row) <= within_km),
        key=lambda row: (km(row), row.leader_id),
    )
    if within_km is None:
        expected += [row for row in base if row.latitude is None]
    boundary = within_km is not None and any(abs(km(row) - within_km) < 1e-6 for row in placed)
    if not boundary:
        assert got == [row.leader_id for row in expected]


@given(
    names=st.lists(
        st.text(alphabet="aAbBzZ éÉİıΣσςß-'", min_size=1, max_size=4), min_size=0, max_size=60
    ),
    cuts=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-70, 70)),
            st.one_of(st.none(), st.integers(-70, 70)),
            st.sampled_from([None, 1, 2, -1, -3]),
        ),
        max_size=6,
    ),
)
def test_leaders_by_name_read_as_a_sort_of_every_name_would(
    names: list[str], cuts: list[tuple[int | None, int | None, int | None]]
) -> None:
    """The name order (case aside, then id) whatever slices are read and in whichever order:
    a partial sort for the first rows, a whole sort beyond."""
    keys = [(name.lower(), n, name) for n, name in enumerate(names)]
    expected = [
        _Base(n, name, None, None)
        for n, name in sorted(enumerate(names), key=lambda r: (r[1].lower(), r[0]))
    ]
    rows = _ByName(list(reversed(keys)))
    assert len(rows) == len(expected)
    for start, stop, step in cuts:
        assert rows[start:stop:step] == expected[start:stop:step]
        if start is not None and -len(expected) <= start < len(expected):
            assert rows[start] == expected[start]
    assert list(rows) == expected


def test_leaders_by_name_beyond_the_first_pages_are_wholly_sorted() -> None:
    names = [f"Leader {n % 97:02d}" for n in range(_PARTIAL_SORT_LIMIT * 2)]
    rows = _ByName([(name.lower(), n, name) for n, name in enumerate(names)])
    expected = sorted(range(len(names)), key=lambda n: (names[n].lower(), n))
    assert [r.leader_id for r in rows[:25]] == expected[:25]
    assert [r.leader_id for r in rows[_PARTIAL_SORT_LIMIT : _PARTIAL_SORT_LIMIT + 25]] == (
        expected[_PARTIAL_SORT_LIMIT : _PARTIAL_SORT_LIMIT + 25]
    )
    assert rows[-1].leader_id == expected[-1]
