"""An organisation's website is an http:// or https:// address; anything else (javascript:, data:)
is refused when saved, and a bad value stored earlier is shown as text, never as a link."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from syslead.accounts.models import User
from syslead.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://kyra.example/",
        "kyra.example",
        "https://kyra.example/ javascript:x",
    ],
)
def test_a_website_that_is_not_a_web_address_is_refused(
    alliance: Organisation, address: str
) -> None:
    alliance.website = address

    with pytest.raises(ValidationError) as refused:
        alliance.full_clean()

    assert refused.value.message_dict["website"] == [
        "Enter the website's full address, starting https:// (or http://)."
    ]


@pytest.mark.parametrize("address", ["https://kyra.example/", "http://www.kyra.example/about"])
def test_http_and_https_websites_are_accepted(alliance: Organisation, address: str) -> None:
    alliance.website = address
    alliance.full_clean()


def test_the_admin_form_refuses_a_javascript_website(
    login: Callable[[User], Client], administrator: User, alliance: Organisation
) -> None:
    url = f"/admin/organisations/organisation/{alliance.pk}/change/"
    form = {
        "name": alliance.name,
        "kind": alliance.kind,
        "slug": alliance.slug,
        "website": "javascript:alert(1)",
        "local_authority_name": "",
        "area_names": "",
    }
    response = login(administrator).post(url, form)

    assert response.status_code == 200
    assert "Enter the website&#x27;s full address" in response.content.decode()
    alliance.refresh_from_db()
    assert alliance.website == ""


def test_a_website_stored_before_the_check_is_shown_as_text_not_a_link(
    client: Client, alliance: Organisation
) -> None:
    Organisation.objects.filter(pk=alliance.pk).update(website="javascript:alert(1)")

    page = client.get(f"/organisations/{alliance.slug}/").content.decode()

    assert "<dd>javascript:alert(1)</dd>" in page
    assert 'href="javascript:' not in page


def test_a_good_website_is_a_link(client: Client, alliance: Organisation) -> None:
    Organisation.objects.filter(pk=alliance.pk).update(website="https://kyra.example/")

    page = client.get(f"/organisations/{alliance.slug}/").content.decode()

    assert '<a href="https://kyra.example/" rel="noopener noreferrer">' in page
