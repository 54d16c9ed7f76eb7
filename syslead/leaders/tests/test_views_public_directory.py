"""The public tier of the two-tier directory: reachable without signing in, showing only published
profiles and only the parts each leader consented to."""

from __future__ import annotations

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
