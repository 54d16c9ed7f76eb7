"""The public tier of the two-tier directory: reachable without signing in, showing only published
profiles and only the parts each leader consented to."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from syslead.leaders.models import LeaderProfile
from syslead.leaders.tests.factories import associate, designate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@pytest.fixture
def published(alliance: Organisation, home_school: School) -> LeaderProfile:
    """Pat publishes name, specialisms and pen portrait, but not the school."""
    leader = make_leader(
        school=home_school,
        name="Pat Published",
        specialisms=("phonics",),
        pen_portrait="Phonics lead in three Lincoln primaries.",
        publish_profile=True,
        publish_name=True,
        publish_school=False,
        publish_specialisms=True,
        publish_pen_portrait=True,
        declared_conflicts="Secret conflict",
    )
    designate(leader, "SLE", alliance)
    associate(leader, alliance)
    return leader


@pytest.fixture
def unpublished(alliance: Organisation, client_school: School) -> LeaderProfile:
    leader = make_leader(
        school=client_school,
        name="Una Unpublished",
        pen_portrait="Should never be public.",
        publish_profile=False,
        publish_pen_portrait=True,
    )
    designate(leader, "SLE", alliance)
    associate(leader, alliance)
    return leader


def test_public_directory_shows_only_published_profiles_and_consented_parts(
    client: Client,
    alliance: Organisation,
    published: LeaderProfile,
    unpublished: LeaderProfile,
) -> None:
    response = client.get(f"/organisations/{alliance.slug}/directory/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Pat Published" in body
    assert "Phonics lead in three Lincoln primaries." in body
    assert "Phonics" in body
    assert "SLE" in body
    assert "Mount Street Academy" not in body  # the school was not consented to
    assert "Secret conflict" not in body
    assert "Una Unpublished" not in body
    assert "Should never be public." not in body
    assert published.user.email not in body


def test_a_name_not_consented_to_is_not_shown(
    client: Client, alliance: Organisation, published: LeaderProfile
) -> None:
    LeaderProfile.objects.filter(pk=published.pk).update(
        publish_name=False, publish_pen_portrait=False
    )
    body = client.get(f"/organisations/{alliance.slug}/directory/").content.decode()
    assert "Pat Published" not in body
    assert "Phonics lead" not in body
    assert "A system leader" in body


def test_another_organisations_leaders_are_not_in_its_directory(
    client: Client, other_org: Organisation, published: LeaderProfile
) -> None:
    body = client.get(f"/organisations/{other_org.slug}/directory/").content.decode()
    assert "Pat Published" not in body
    assert "No leader has published a profile yet." in body


def test_public_organisation_page_links_to_its_directory(
    client: Client, alliance: Organisation, published: LeaderProfile
) -> None:
    response = client.get(f"/organisations/{alliance.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "KYRA Teaching School Alliance" in body
    assert f"/organisations/{alliance.slug}/directory/" in body
    assert "1 of them publish a profile" in body


def test_an_unknown_organisation_is_not_found(client: Client, db: None) -> None:
    assert client.get("/organisations/nobody/").status_code == 404
    assert client.get("/organisations/nobody/directory/").status_code == 404


# --- Filters and how to ask for support -----------------------------------------------------


@pytest.fixture
def lincoln_and_bristol(alliance: Organisation, home_school: School, far_school: School) -> None:
    """Three published leaders: a Lincoln maths SLE (school published), a Bristol SEND LLE in
    secondary (school published), and one whose school and specialisms are not published."""
    lincoln = make_leader(
        school=home_school,
        name="Lina Lincoln",
        specialisms=("maths",),
        phases=("primary",),
        publish_profile=True,
        publish_name=True,
        publish_school=True,
        publish_specialisms=True,
    )
    designate(lincoln, "SLE", alliance)
    associate(lincoln, alliance)
    bristol = make_leader(
        school=far_school,
        name="Bea Bristol",
        specialisms=("send",),
        phases=("secondary",),
        publish_profile=True,
        publish_name=True,
        publish_school=True,
        publish_specialisms=True,
    )
    designate(bristol, "LLE", alliance)
    associate(bristol, alliance)
    private = make_leader(
        school=home_school,
        name="Priv Private",
        specialisms=("maths",),
        phases=("primary",),
        publish_profile=True,
        publish_name=True,
        publish_school=False,
        publish_specialisms=False,
    )
    designate(private, "SLE", alliance)
    associate(private, alliance)


def _names(client: Client, alliance: Organisation, query: dict[str, str]) -> list[str | None]:
    response = client.get(f"/organisations/{alliance.slug}/directory/", query)
    assert response.status_code == 200
    return [p.name for p in response.context["profiles"]]


def test_public_directory_filters_by_specialism_phase_and_designation_on_published_parts_only(
    client: Client, alliance: Organisation, lincoln_and_bristol: None
) -> None:
    assert _names(client, alliance, {}) == ["Bea Bristol", "Lina Lincoln", "Priv Private"]
    # Priv's specialisms are not published: a specialism filter never reveals them.
    assert _names(client, alliance, {"specialism": "maths"}) == ["Lina Lincoln"]
    assert _names(client, alliance, {"phase": "secondary"}) == ["Bea Bristol"]
    assert _names(client, alliance, {"designation": "SLE"}) == ["Lina Lincoln", "Priv Private"]


def test_public_directory_finds_leaders_within_a_distance_of_a_postcode_nearest_first(
    client: Client, alliance: Organisation, lincoln_and_bristol: None, client_school: School
) -> None:
    # LN2 2HG is Ermine Primary's postcode: the register places it.
    near = _names(client, alliance, {"postcode": "ln2 2hg", "within": "20"})
    assert near == ["Lina Lincoln"]  # Priv's school is not published, so no distance either
    response = client.get(f"/organisations/{alliance.slug}/directory/", {"postcode": "LN2 2HG"})
    profiles = response.context["profiles"]
    assert [p.name for p in profiles][:2] == ["Lina Lincoln", "Bea Bristol"]
    assert profiles[0].distance_km is not None
    assert profiles[0].distance_km < 5
    assert "km away" in response.content.decode()


def test_public_directory_says_clearly_when_a_postcode_is_unknown_or_not_a_postcode(
    client: Client, alliance: Organisation, lincoln_and_bristol: None
) -> None:
    url = f"/organisations/{alliance.slug}/directory/"
    unknown = client.get(url, {"postcode": "ZZ9 9ZZ", "within": "10"})
    assert unknown.status_code == 200
    assert "We do not know where ZZ9 9ZZ is" in unknown.content.decode()
    assert unknown.context["profiles"] == []
    nonsense = client.get(url, {"postcode": "XYZ"})
    assert nonsense.status_code == 200
    assert "Enter a real postcode, like LN2 2HG" in nonsense.content.decode()
    no_place = client.get(url, {"within": "10"})
    assert "Enter a postcode to search within a distance of it." in no_place.content.decode()
    for bad in ({"within": "7"}, {"specialism": "x" * 500}, {"postcode": "L" * 50}):
        assert client.get(url, bad).status_code == 200


def test_public_directory_filtered_list_query_budget(
    client: Client,
    alliance: Organisation,
    lincoln_and_bristol: None,
    client_school: School,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(12):
        leader = make_leader(
            school=client_school,
            name=f"Extra {n}",
            publish_profile=True,
            publish_name=True,
            publish_school=True,
            publish_specialisms=True,
        )
        designate(leader, "SLE", alliance)
        associate(leader, alliance)
    url = f"/organisations/{alliance.slug}/directory/"
    query = {"specialism": "maths", "phase": "primary", "postcode": "LN2 2HG", "within": "50"}
    # Organisation; designation types; specialisms; locating the postcode; leaders and their
    # four prefetches.
    with django_assert_max_num_queries(10):
        response = client.get(url, query)
    assert len(response.context["profiles"]) == 13


def test_how_to_ask_for_support_names_the_brokers_contact(
    client: Client, alliance: Organisation
) -> None:
    Organisation.objects.filter(pk=alliance.pk).update(
        contact_name="Alice Hart",
        contact_email="support@kyra.example",
        contact_phone="01522 000000",
    )
    for url in (f"/organisations/{alliance.slug}/", f"/organisations/{alliance.slug}/directory/"):
        body = client.get(url).content.decode()
        assert "How to ask for support" in body
        assert "Alice Hart" in body
        assert 'href="mailto:support@kyra.example"' in body
        assert "01522 000000" in body
