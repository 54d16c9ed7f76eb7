"""The agreement as a PDF laid out like the paper contract, with the signature record."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.deployments.pdf import agreement_filename, agreement_html


def test_the_html_has_every_section_of_the_paper_contract(active: Deployment) -> None:
    html = agreement_html(active)
    for section in [
        "System leader deployment: contract between partner schools and KYRA Teaching School "
        "Alliance 2026-27",
        "System leader: home school details",
        "Name of system leader",
        "Supported school details",
        "School contact name",
        "Agreed start date",
        "Agreed time commitment (length, number of days, intervals)",
        "Intended end date",
        "Overall aim(s) of deployment",
        "Agreed objectives and outcomes (to be reviewed by/when)",
        "Baseline measure(s)",
        "Actions to be carried out",
        "Improvement to be made",
        "Evaluation strategy",
        "Monitoring arrangements",
        "Exit arrangements",
        "Total cost of deployment",
        "Amount payable by the supported school",
        "Changes to the agreement",
        "Where a system leader cannot provide outreach",
        "Signatures",
    ]:
        assert section in html, section
    assert "2 of 6 teachers model with bars." in html
    assert "£1,750.00" in html


def test_the_signature_record_names_each_party_name_role_and_date(active: Deployment) -> None:
    html = agreement_html(active)
    for name, signed_as in [
        ("Lee Leader", "System leader"),
        ("Hal Home-Head", "Headteacher of Mount Street Academy"),
        ("Cara Client-Head", "Headteacher of Ermine Primary Academy"),
        ("Bea Broker-Lead", "Broker lead for KYRA Teaching School Alliance"),
    ]:
        assert f"<td>{name}</td><td>{signed_as}</td>" in html
    assert "Not signed" not in html


def test_an_unsigned_agreement_shows_the_missing_signatures(agreement: Deployment) -> None:
    assert agreement_html(agreement).count("Not signed") == 4


def test_the_pdf_downloads_for_a_party(
    login: Callable[[User], Client], client_head: User, active: Deployment
) -> None:
    response = login(client_head).get(f"/deployments/{active.pk}/agreement.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert agreement_filename(active) in response["Content-Disposition"]


def test_the_pdf_is_refused_to_a_stranger(
    login: Callable[[User], Client], stranger: User, active: Deployment
) -> None:
    assert login(stranger).get(f"/deployments/{active.pk}/agreement.pdf").status_code == 404
