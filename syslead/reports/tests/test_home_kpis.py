"""The KPI block on the home page (docs/ux.md, "Home page by role"): coordinators and broker
leads read this year's KPIs of their organisations, linking to the KPI page and to the annual
report; an organisation a person both coordinates and leads is shown once."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.core.home import Section
from syslead.organisations.models import Organisation

HOME = "/"
Login = Callable[[User], Client]


def _kpi_sections(client: Client) -> list[Section]:
    response = client.get(HOME)
    assert response.status_code == 200
    return [s for s in response.context["sections"] if s.template == "reports/home/kpis.html"]


def _links(section: Section) -> dict[str, str]:
    return {link.label: link.url for link in section.links}


def test_the_coordinators_and_broker_leads_kpi_block_links_to_the_annual_report(
    login: Login, coordinator: User, broker_lead: User, alliance: Organisation
) -> None:
    annual = f"{reverse('reports:annual')}?organisation={alliance.pk}"
    for person in (coordinator, broker_lead):
        client = login(person)
        (section,) = _kpi_sections(client)
        assert section.title.endswith(alliance.name)
        links = _links(section)
        assert links[f"The annual report of {alliance.name}"] == annual
        assert links["All the KPIs, costs and days by commissioner"].startswith(
            reverse("reports:kpis")
        )
        page = client.get(HOME).content.decode()
        assert f'href="{annual.replace("&", "&amp;")}"' in page
        assert client.get(annual).status_code == 200  # the link leads to a page they may use


def test_an_organisation_coordinated_and_led_shows_its_kpis_once(
    login: Login, alliance: Organisation
) -> None:
    both = make_user(
        "both@kyra.test", "Bo Th", (Role.COORDINATOR, alliance), (Role.BROKER_LEAD, alliance)
    )
    assert len(_kpi_sections(login(both))) == 1


def test_people_who_broker_for_no_one_have_no_kpi_block(login: Login, sip: User) -> None:
    assert _kpi_sections(login(sip)) == []
