"""The local authority's page of its schools' named SIPs (docs/rules.md, "The school's named
SIP"): its coordinators name a SIP for a school of the area (the school field suggests only
those), see the GOV.UK errors of a bad answer, end a naming; anyone else is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import NamedSip, School
from syslead.schools.sips import school_sip

URL = "/requests/named-sips/lincolnshire/"


@pytest.fixture
def lincs(db: None) -> Organisation:
    return Organisation.objects.create(
        name="Lincolnshire County Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        slug="lincolnshire",
        local_authority_name="Lincolnshire",
    )


@pytest.fixture
def lou(lincs: Organisation) -> User:
    return make_user("lou@lincs.test", "Lou Coordinator", (Role.COORDINATOR, lincs))


@pytest.fixture
def sally(lincs: Organisation) -> User:
    return make_user("sally@lincs.test", "Sally Partner", (Role.SIP, lincs))


def test_the_coordinator_names_a_sip_from_the_page(
    client: Client, lou: User, sally: User, client_school: School
) -> None:
    client.force_login(lou)
    assert client.get("/requests/named-sips/").url == URL  # one authority: straight there
    page = client.get(URL)
    assert page.status_code == 200
    assert "Sally Partner" in page.content.decode()
    done = client.post(
        URL,
        {
            "school": f"{client_school.name}, Lincoln (URN {client_school.urn})",
            "sip": sally.pk,
        },
    )
    assert done.status_code == 302
    assert school_sip(client_school) == sally


def test_bad_answers_are_govuk_errors_and_nothing_is_named(
    client: Client, lou: User, sally: User, far_school: School
) -> None:
    client.force_login(lou)
    empty = client.post(URL, {}).content.decode()
    assert "govuk-error-summary" in empty
    assert "Give the school&#x27;s URN or name." in empty
    assert "Choose the school improvement partner." in empty
    outside = client.post(URL, {"school": str(far_school.urn), "sip": sally.pk}).content.decode()
    assert "is not in Lincolnshire County Council" in outside
    future = client.post(
        URL,
        {
            "school": "Lincoln",
            "sip": sally.pk,
            "starts_on-day": "1",
            "starts_on-month": "1",
            "starts_on-year": str(timezone.localdate().year + 2),
        },
    ).content.decode()
    assert "govuk-error-summary" in future
    assert not NamedSip.objects.exists()


def test_the_coordinator_ends_a_naming(
    client: Client, lou: User, sally: User, lincs: Organisation, client_school: School
) -> None:
    named = NamedSip.objects.create(
        school=client_school, organisation=lincs, sip=sally, starts_on=timezone.localdate()
    )
    client.force_login(lou)
    assert client.post(f"{URL}{named.pk}/end/").status_code == 302
    named.refresh_from_db()
    assert named.ends_on == timezone.localdate()


def test_others_are_refused_the_page(
    client: Client, sally: User, coordinator: User, lincs: Organisation
) -> None:
    """Rule: set by a coordinator of the LA (or an administrator): 403 to anyone else signed in
    (organisations are public), 404 for an unknown organisation."""
    for someone in (sally, coordinator):
        client.force_login(someone)
        assert client.get(URL).status_code == 403
    assert client.get("/requests/named-sips/nowhere/").status_code == 404


def test_the_school_field_suggests_only_the_authoritys_schools(
    client: Client, lou: User, lincs: Organisation, client_school: School, far_school: School
) -> None:
    client.force_login(lou)
    found = client.get(
        "/requests/schools/suggest/", {"q": "primary", "for": "named_sip", "organisation": lincs.pk}
    ).json()["results"]
    assert [r["urn"] for r in found] == [client_school.urn]
    client.force_login(make_user("x@kyra.test", "X", (Role.SIP, lincs)))
    none = client.get(
        "/requests/schools/suggest/", {"q": "primary", "for": "named_sip", "organisation": lincs.pk}
    ).json()["results"]
    assert none == []


def test_the_page_lists_many_namings_in_a_fixed_number_of_queries(
    client: Client,
    lou: User,
    sally: User,
    lincs: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    today = timezone.localdate()
    for n in range(25):
        school = make_school(121000 + n, f"School {n:02d} Primary")
        NamedSip.objects.create(school=school, organisation=lincs, sip=sally, starts_on=today)
        NamedSip.objects.create(
            school=school, organisation=lincs, sip=sally, starts_on=today, ends_on=today
        )
    client.force_login(lou)
    with django_assert_max_num_queries(14):
        page = client.get(URL)
    assert page.content.decode().count("End Sally Partner as SIP of") == 25
