"""Each kind of event on an agreement's timeline has its own audience: invoice events (amounts) are
read by the broker and the school that issues or pays the invoice, never by the leader (who is never
paid) nor the SIP, on the agreement's page as in the evidence pack."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.models import Route
from syslead.core.events import event_audience, event_record
from syslead.deployments.models import Deployment
from syslead.deployments.selectors import deployment_timeline
from syslead.evaluation.evidence import evidence_pack_context
from syslead.invoicing import services
from syslead.invoicing.access import may_read
from syslead.invoicing.models import Invoice
from syslead.visits.models import Visit

Login = Callable[[User], Client]


def _issued(coordinator: User, deployment: Deployment) -> Invoice:
    event_record(actor=coordinator, subject=deployment, verb="deployment.activated", summary="On")
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    return services.invoice_issue(actor=coordinator, invoice=invoice)


def _invoice_verbs(deployment: Deployment, viewer: User) -> list[str]:
    return [
        e.verb for e in deployment_timeline(deployment, viewer) if e.verb.startswith("invoice.")
    ]


def test_the_leader_reads_no_invoice_event_on_the_agreement_timeline(
    coordinator: User,
    leader_user: User,
    deployment: Deployment,
    visits: list[Visit],
) -> None:
    _issued(coordinator, deployment)
    assert _invoice_verbs(deployment, leader_user) == []
    # The leader still reads the rest of the timeline.
    assert [e.verb for e in deployment_timeline(deployment, leader_user)] == [
        "deployment.activated"
    ]


def test_the_broker_and_the_invoice_parties_read_invoice_events(
    coordinator: User,
    broker_lead: User,
    client_head: User,
    home_head: User,
    deployment: Deployment,
    visits: list[Visit],
) -> None:
    invoice = _issued(coordinator, deployment)
    for broker in (coordinator, broker_lead):
        assert _invoice_verbs(deployment, broker) == ["invoice.drafted", "invoice.issued"]
    parties = [head for head in (client_head, home_head) if may_read(head, invoice)]
    assert parties, "one school issues or pays the invoice"
    for head in parties:
        assert _invoice_verbs(deployment, head) == ["invoice.drafted", "invoice.issued"]
    for head in {client_head, home_head} - set(parties):
        assert _invoice_verbs(deployment, head) == []


def test_the_sip_reads_no_invoice_event_on_a_local_authority_agreement(
    coordinator: User, sip: User, deployment: Deployment, visits: list[Visit]
) -> None:
    deployment.support_request.route = Route.LOCAL_AUTHORITY
    deployment.support_request.save(update_fields=["route"])
    _issued(coordinator, deployment)
    # The SIP sees the agreement's other steps.
    assert [e.verb for e in deployment_timeline(deployment, sip)] == ["deployment.activated"]
    assert _invoice_verbs(deployment, sip) == []


def test_the_agreement_page_shows_the_leader_no_invoice_amount(
    login: Login,
    coordinator: User,
    leader_user: User,
    deployment: Deployment,
    visits: list[Visit],
) -> None:
    invoice = _issued(coordinator, deployment)
    url = reverse("deployments:detail", args=[deployment.pk])
    as_leader = login(leader_user).get(url)
    assert as_leader.status_code == 200
    assert invoice.number not in as_leader.content.decode()
    as_broker = login(coordinator).get(url)
    assert invoice.number in as_broker.content.decode()


def test_the_evidence_pack_carries_no_invoice_event(
    coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    _issued(coordinator, deployment)
    verbs = [e.verb for e in evidence_pack_context(deployment)["timeline"]]
    assert verbs
    assert not [v for v in verbs if v.startswith("invoice.")]


def test_each_event_kind_names_its_audience() -> None:
    assert "leader" not in event_audience("invoice.issued")
    assert "sip" not in event_audience("invoice.paid")
    assert "coordinator" in event_audience("invoice.issued")
    assert "leader" in event_audience("visit.agreed")
    assert "client_head" not in event_audience("final_report.submitted")
    assert "client_head" in event_audience("final_report.approved")
    assert event_audience("concern.raised") == {"administrator", "coordinator"}
