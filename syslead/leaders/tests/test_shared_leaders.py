"""Leaders another broker shares with an organisation (docs/rules.md: "a coordinator only [sees]
their broker's work and what another broker shares with them"; "one broker may commission a leader
associated with another, with that broker's agreement"): once the owning organisation approves a
commission to one of the organisation's requests, its coordinators, broker leads and SIPs find the
leader in their directory, marked "Shared by" the owner, and may read the leader's page, but never
change the leader's record. A proposed or refused commission shares nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import Commission, SupportRequest
from syslead.brokering.services import commission_decide, commission_offer
from syslead.brokering.tests import factories
from syslead.core.academic_years import AcademicYear
from syslead.core.dates import date_input_data
from syslead.leaders.models import Designation, LeaderProfile
from syslead.leaders.permissions import (
    may_edit_profile,
    may_manage_leader,
    may_read_capacity,
    may_set_release,
)
from syslead.leaders.selectors import (
    directory_search,
    leader_for_user,
    leaders_visible_to,
    shared_by,
)
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import School

Login = Callable[[User], Client]
YEAR = AcademicYear.current()
OWNER = "South Gloucestershire Council"


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def pat(other_org: Organisation) -> LeaderProfile:
    """Pat, a maths SLE of the other organisation (South Gloucestershire Council), designated by it
    and released 10 days this year."""
    profile = factories.leader(
        factories.school("Pat's School", lat=53.25),
        organisation=other_org,
        name="Pat Shared",
        designation=None,
        publish_profile=True,
    )
    Designation.objects.create(
        leader=profile,
        type_id=_sle_type_id(),
        organisation=other_org,
        designated_on=dt.date(2024, 9, 1),
    )
    return profile


@pytest.fixture
def maths_request(client_school: School, alliance: Organisation) -> SupportRequest:
    """Ermine Primary asks the alliance for 5 days of maths support."""
    return factories.support_request(client_school, alliance)


@pytest.fixture
def own(alliance: Organisation) -> LeaderProfile:
    """Ola, one of the alliance's own leaders."""
    return factories.leader(factories.school("Ola's School"), organisation=alliance, name="Ola Own")


@pytest.fixture
def third_coordinator(db: None) -> User:
    """Tess coordinates a third organisation, which nobody shared anything with."""
    third = Organisation.objects.create(
        name="Lincoln Diocese", kind=OrganisationKind.TEACHING_SCHOOL_ALLIANCE, slug="lincoln"
    )
    return make_user("tess@lincoln.test", "Tess Third", (Role.COORDINATOR, third))


def _sle_type_id() -> int:
    from syslead.leaders.models import DesignationType

    return DesignationType.objects.get(code="SLE", organisation=None).pk


def _share(
    leader: LeaderProfile,
    request: SupportRequest,
    asker: User,
    owner: User,
    *,
    approve: bool | None = True,
) -> Commission:
    """The request's coordinator asks for the leader; the owning organisation's coordinator
    approves (True), refuses (False) or has not decided yet (None)."""
    commission = commission_offer(actor=asker, request=request, leader=leader)
    if approve is None:
        return commission
    return commission_decide(
        actor=owner, commission=commission, approve=approve, note="" if approve else "Fully booked"
    )


def _search(user: User, organisation: Organisation, **criteria: Any) -> list[Any]:
    return list(
        directory_search(
            user=user, organisation_ids=[organisation.pk], academic_year=YEAR, **criteria
        )
    )


# --- Seeing shared leaders -----------------------------------------------------------------------


def test_directory_includes_leaders_shared_through_an_approved_commission(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    pat: LeaderProfile,
    own: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)
    rows = {row.leader_id: row for row in _search(coordinator, alliance)}
    assert set(rows) == {pat.pk, own.pk}
    assert rows[pat.pk].shared_by == (OWNER,)
    assert rows[pat.pk].is_shared
    assert rows[own.pk].shared_by == ()
    assert rows[pat.pk].remaining_days == Decimal("10")
    page = login(coordinator).get(reverse("leaders:directory"))
    assert page.context["count"] == 2
    html = page.content.decode()
    assert f"Shared by {OWNER}" in html
    assert html.count("Shared by") == 1


def test_shared_leader_is_visible_to_the_receiving_organisations_readers(
    coordinator: User,
    broker_lead: User,
    sip: User,
    other_coordinator: User,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)
    for reader in (coordinator, broker_lead, sip):
        assert leaders_visible_to(reader).filter(pk=pat.pk).count() == 1
        assert leader_for_user(reader, pat.pk) == pat
        assert shared_by(reader, pat) == (OWNER,)
    # The owning organisation sees its own leader, not a shared one.
    assert shared_by(other_coordinator, pat) == ()


def test_broker_lead_and_sip_of_the_receiving_organisation_open_the_shared_leaders_page(
    login: Login,
    coordinator: User,
    broker_lead: User,
    sip: User,
    other_coordinator: User,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)
    for reader in (broker_lead, sip):
        response = login(reader).get(reverse("leaders:detail", args=[pat.pk]))
        assert response.status_code == 200
        assert f"Shared by {OWNER}" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "chosen", "still_shared"),
    [
        ("withdrawn", False, False),
        ("closed", False, False),
        ("agreed", False, False),
        ("agreed", True, True),
        ("waiting_list", False, True),
    ],
)
def test_sharing_ends_with_the_request_unless_the_shared_leader_was_chosen(
    status: str,
    chosen: bool,
    still_shared: bool,
    coordinator: User,
    other_coordinator: User,
    own: LeaderProfile,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    """A commission shares a leader for one request: once the request is withdrawn, closed or
    agreed with another leader, the receiving organisation no longer sees them; the leader the
    school chose stays visible to the broker that runs the agreement."""
    _share(pat, maths_request, coordinator, other_coordinator)
    SupportRequest.objects.filter(pk=maths_request.pk).update(
        status=status, chosen_leader=pat if chosen else own
    )
    assert leaders_visible_to(coordinator).filter(pk=pat.pk).exists() is still_shared
    assert bool(shared_by(coordinator, pat)) is still_shared


@pytest.mark.parametrize("decision", [None, False], ids=["proposed", "refused"])
def test_proposed_or_refused_commission_shares_nothing(
    decision: bool | None,
    login: Login,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    pat: LeaderProfile,
    own: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator, approve=decision)
    assert [row.leader_id for row in _search(coordinator, alliance)] == [own.pk]
    assert not leaders_visible_to(coordinator).filter(pk=pat.pk).exists()
    client = login(coordinator)
    assert client.get(reverse("leaders:detail", args=[pat.pk])).status_code == 404
    assert "Shared by" not in client.get(reverse("leaders:directory")).content.decode()


def test_leaders_of_other_organisations_never_appear_otherwise(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    third_coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    pat: LeaderProfile,
    own: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    unshared = factories.leader(
        factories.school("Quinn's School"), organisation=other_org, name="Quinn Unshared"
    )
    _share(pat, maths_request, coordinator, other_coordinator)
    assert unshared.pk not in {row.leader_id for row in _search(coordinator, alliance)}
    assert not leaders_visible_to(coordinator).filter(pk=unshared.pk).exists()
    assert login(coordinator).get(reverse("leaders:detail", args=[unshared.pk])).status_code == 404
    # Shared with the alliance only: a third organisation sees neither.
    assert not leaders_visible_to(third_coordinator).filter(pk__in=[pat.pk, own.pk]).exists()
    assert login(third_coordinator).get(reverse("leaders:directory")).context["count"] == 0
    # The owner's directory lists its own leaders, unmarked, and not the alliance's.
    rows = _search(other_coordinator, other_org)
    assert {row.leader_id for row in rows} == {pat.pk, unshared.pk}
    assert all(row.shared_by == () for row in rows)


def test_stranger_is_refused_the_directory_and_the_shared_leader(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    stranger: User,
    alliance: Organisation,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)
    assert not leaders_visible_to(stranger).exists()
    assert shared_by(stranger, pat) == ()
    assert _search(stranger, alliance) == []
    client = login(stranger)
    assert client.get(reverse("leaders:directory")).status_code == 403
    assert client.get(reverse("leaders:detail", args=[pat.pk])).status_code == 404


def test_a_leader_shared_several_times_appears_once(
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    client_school: School,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    third = Organisation.objects.create(
        name="Bristol Hub", kind=OrganisationKind.TEACHING_SCHOOL_ALLIANCE, slug="bristol"
    )
    hub_coordinator = make_user("hana@bristol.test", "Hana Hub", (Role.COORDINATOR, third))
    factories.associate(pat, third)
    second = factories.support_request(client_school, alliance, summary="More maths.")
    third_request = factories.support_request(client_school, alliance, summary="Even more maths.")
    # Shared by South Gloucestershire for two requests, and by the hub (asked too) for a third.
    _share(pat, maths_request, coordinator, other_coordinator)
    _share(pat, second, coordinator, other_coordinator)
    by_hub = Commission.objects.create(
        support_request=third_request,
        leader=pat,
        owning_organisation=third,
        asked=True,
        proposed_by=coordinator,
    )
    commission_decide(actor=hub_coordinator, commission=by_hub, approve=True)
    assert by_hub.owning_organisation == third
    rows = _search(coordinator, alliance)
    assert [row.leader_id for row in rows] == [pat.pk]
    assert rows[0].shared_by == ("Bristol Hub", OWNER)
    assert leaders_visible_to(coordinator).filter(pk=pat.pk).count() == 1
    assert shared_by(coordinator, pat) == ("Bristol Hub", OWNER)


def test_a_shared_leader_later_associated_with_the_organisation_is_its_own(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)
    factories.associate(pat, alliance)
    rows = _search(coordinator, alliance)
    assert [(row.leader_id, row.shared_by) for row in rows] == [(pat.pk, ())]
    assert shared_by(coordinator, pat) == ()
    page = login(coordinator).get(reverse("leaders:detail", args=[pat.pk]))
    assert "Shared by" not in page.content.decode()


def test_directory_filters_apply_to_shared_leaders_alike(
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    pat: LeaderProfile,
    own: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)

    def found(**criteria: Any) -> set[int]:
        return {row.leader_id for row in _search(coordinator, alliance, **criteria)}

    assert found(designation_type="SLE") == {pat.pk, own.pk}
    assert found(designation_type="LLE") == set()
    assert found(specialism="maths") == {pat.pk, own.pk}
    assert found(specialism="send") == set()
    assert found(phase="secondary") == set()
    assert found(min_available_days=Decimal("10")) == {pat.pk, own.pk}
    assert found(min_available_days=Decimal("10.5")) == set()
    # Pat's school is at 53.25, Ola's at 53.23 (both at -0.54): 1.5 km takes Pat only.
    assert found(near=(53.25, -0.54), within_km=1.5) == {pat.pk}
    assert found(local_authority="Nowhere") == set()


# --- Read-only -----------------------------------------------------------------------------------


def test_shared_leader_is_read_only_for_the_receiving_organisation(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)
    for check in (may_manage_leader, may_edit_profile, may_set_release, may_read_capacity):
        assert not check(coordinator, pat), check.__name__
    client = login(coordinator)
    page = client.get(reverse("leaders:detail", args=[pat.pk]))
    assert page.status_code == 200
    assert not page.context["may_manage"]
    assert not page.context["may_set_release"]
    assert not page.context["may_associate"]
    html = page.content.decode()
    designation = pat.designations.get()
    association = pat.associations.get()
    refused = [
        reverse("leaders:edit", args=[pat.pk]),
        reverse("leaders:designate", args=[pat.pk]),
        reverse("leaders:associate", args=[pat.pk]),
        reverse("leaders:leader_release", args=[pat.pk]),
        reverse("leaders:revoke", args=[designation.pk]),
        reverse("leaders:designation_review", args=[designation.pk]),
        reverse("leaders:association_end", args=[association.pk]),
        reverse("leaders:association_review", args=[association.pk]),
    ]
    for url in refused:
        assert f'href="{url}"' not in html, url
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    pat.refresh_from_db()
    assert pat.associations.count() == 1
    assert pat.designations.count() == 1


def test_shared_leader_may_not_be_associated_or_designated_by_the_receiving_organisation(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)
    client = login(coordinator)
    associated = client.post(
        reverse("leaders:associate", args=[pat.pk]),
        {"organisation": str(alliance.pk), **date_input_data("starts_on", "2025-10-01")},
    )
    assert associated.status_code == 403
    designated = client.post(
        reverse("leaders:designate", args=[pat.pk]),
        {
            "organisation": str(alliance.pk),
            "type_code": "SLE",
            **date_input_data("designated_on", "2025-10-01"),
        },
    )
    assert designated.status_code == 403
    assert not pat.associations.filter(organisation=alliance).exists()
    assert not pat.designations.filter(organisation=alliance).exists()


def test_shared_leader_is_read_only_through_the_api(
    api: Callable[[User], Any],
    coordinator: User,
    other_coordinator: User,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)
    client = api(coordinator)
    assert client.get(f"/leaders/{pat.pk}").status_code == 200
    edited = client._call("patch", f"/leaders/{pat.pk}", {"job_title": "Taken over"})
    assert edited.status_code == 403
    released = client.put(
        f"/leaders/{pat.pk}/release/{YEAR.label}",
        {"days": "2", "agreed_on": "2025-09-01"},
    )
    assert released.status_code == 403
    pat.refresh_from_db()
    assert pat.job_title == "Deputy headteacher"


def test_owning_organisation_still_manages_its_shared_leader(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    pat: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    _share(pat, maths_request, coordinator, other_coordinator)
    page = login(other_coordinator).get(reverse("leaders:detail", args=[pat.pk]))
    assert page.context["may_manage"]
    assert page.context["shared_by"] == ()
    assert "Edit profile" in page.content.decode()


# --- Query budget --------------------------------------------------------------------------------


def _shared_leaders(
    numbers: range, organisation: Organisation, request: SupportRequest, asker: User, owner: User
) -> None:
    for n in numbers:
        leader = factories.leader(
            factories.school(f"Shared School {n}", lat=53.2 + n / 1000),
            organisation=organisation,
            name=f"Shared {n:02d}",
        )
        _share(leader, request, asker, owner)


def _directory_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("leaders:directory"), {"specialism": "maths", "min_days": "1", "page": "2"}
        )
    assert response.status_code == 200
    return len(queries)


def test_directory_query_budget_holds_with_shared_leaders(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    client_school: School,
    maths_request: SupportRequest,
    django_assert_max_num_queries: Any,
    django_assert_num_queries: Any,
) -> None:
    for n in range(30):
        factories.leader(
            factories.school(f"Own School {n}", lat=53.3 + n / 1000),
            organisation=alliance,
            name=f"Own {n:02d}",
        )
    _shared_leaders(range(1), other_org, maths_request, coordinator, other_coordinator)
    client = login(coordinator)
    _directory_queries(client)  # the list of local authorities is then cached, as in use
    with_one = _directory_queries(client)
    # Many more shared leaders, some shared for a second request too: the cost does not move.
    _shared_leaders(range(1, 30), other_org, maths_request, coordinator, other_coordinator)
    second = factories.support_request(client_school, alliance, summary="More maths.")
    for leader in LeaderProfile.objects.filter(user__name__startswith="Shared")[:10]:
        _share(leader, second, coordinator, other_coordinator)
    assert _directory_queries(client) == with_one
    with django_assert_max_num_queries(20):
        response = client.get(reverse("leaders:directory"), {"specialism": "maths", "page": "2"})
    assert response.context["count"] == 60
    rows = response.context["page"].object_list
    assert len(rows) == 25
    # Page 2 is "Own 25" to "Own 29", then "Shared 00" to "Shared 19".
    assert [row.shared_by for row in rows] == [()] * 5 + [(OWNER,)] * 20
    # The selector: the search and every row read, in the same fixed number of queries as
    # without shared leaders (test_selectors' budget).
    with django_assert_max_num_queries(11):
        every_row = _search(coordinator, alliance)
    assert len(every_row) == 60
    assert len({row.leader_id for row in every_row}) == 60
    # Paging stays lazy: the count costs nothing, a page a fixed few queries.
    results = directory_search(user=coordinator, organisation_ids=[alliance.pk], academic_year=YEAR)
    with django_assert_num_queries(0):
        assert len(results) == 60
    with django_assert_max_num_queries(9):
        page = results[30:40]
    assert [row.shared_by for row in page] == [(OWNER,)] * 10
