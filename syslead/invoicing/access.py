"""Who may see and act on a deployment's invoices.

- Act (draft, add expenses, issue, mark paid, cancel): administrators, coordinators of the
  deployment's organisation, and the leader's school's headteacher for invoices the leader's
  school issues.
- Read: those, plus the payer (the supported school's headteacher for invoices addressed to the
  supported school) and the organisation's broker leads.
A remittance advice (what the broker paid the leader's school of an invoice it collected) is read by
the broker's staff (coordinators and broker leads) and the leader's school's headteacher, and
recorded by the coordinators (docs/access.md, "Remittance advice").
Leaders are never paid and see no invoices; nor do SIPs. This module is the one rule for invoices:
pages, the PDF, services, home pages and the agreement's timeline (``deployments.access``) call it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from syslead.accounts.access import (
    broker_organisation_ids,
    headteacher_school_urns,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.deployments.access import DeploymentRoles, deployment_roles
from syslead.deployments.models import Deployment
from syslead.invoicing.models import Invoice, IssuerKind, PayerKind, RemittanceAdvice
from syslead.invoicing.pricing import HOME_SCHOOL, invoice_parties


def may_draft(roles: DeploymentRoles, deployment: Deployment) -> bool:
    if roles.administrator or roles.coordinator:
        return True
    issuer = invoice_parties(deployment.funding_route, deployment.collected_by).issuer
    return roles.home_head and issuer == HOME_SCHOOL


def may_act(user: User, invoice: Invoice) -> bool:
    roles = deployment_roles(user, invoice.deployment)
    if roles.administrator or roles.coordinator:
        return True
    return roles.home_head and invoice.issuer_kind == IssuerKind.HOME_SCHOOL


def may_see_list(roles: DeploymentRoles) -> bool:
    """Whether the person may open the deployment's invoices page at all."""
    return roles.administrator or roles.broker or roles.home_head or roles.client_head


def invoices_visible_to(user: User) -> QuerySet[Invoice]:
    """Every invoice ``user`` may read, as one filter (for lists and home pages): the same rule as
    ``may_read``."""
    if not getattr(user, "is_authenticated", False):
        return Invoice.objects.none()
    if is_administrator(user):
        return Invoice.objects.all()
    urns = headteacher_school_urns(user)
    wanted = Q(deployment__organisation_id__in=broker_organisation_ids(user))
    if urns:
        wanted |= Q(deployment__home_school_id__in=urns, issuer_kind=IssuerKind.HOME_SCHOOL)
        wanted |= Q(deployment__client_school_id__in=urns, payer_kind=PayerKind.SUPPORTED_SCHOOL)
    return Invoice.objects.filter(wanted)


def invoices_visible(user: User, deployment: Deployment) -> QuerySet[Invoice]:
    """The deployment's invoices ``user`` may read."""
    invoices = Invoice.objects.filter(deployment=deployment)
    roles = deployment_roles(user, deployment)
    if roles.administrator or roles.broker:
        return invoices
    wanted = Q(pk__in=[])
    if roles.home_head:
        wanted |= Q(issuer_kind=IssuerKind.HOME_SCHOOL)
    if roles.client_head:
        wanted |= Q(payer_kind=PayerKind.SUPPORTED_SCHOOL)
    return invoices.filter(wanted)


def may_read(user: User, invoice: Invoice) -> bool:
    roles = deployment_roles(user, invoice.deployment)
    if roles.administrator or roles.broker:
        return True
    if roles.home_head and invoice.issuer_kind == IssuerKind.HOME_SCHOOL:
        return True
    return roles.client_head and invoice.payer_kind == PayerKind.SUPPORTED_SCHOOL


def may_record_remittance(user: User, invoice: Invoice) -> bool:
    roles = deployment_roles(user, invoice.deployment)
    return roles.administrator or roles.coordinator


def may_read_remittance(user: User, remittance: RemittanceAdvice) -> bool:
    roles = deployment_roles(user, remittance.deployment)
    return roles.administrator or roles.broker or roles.home_head


def remittances_visible(user: User, deployment: Deployment) -> QuerySet[RemittanceAdvice]:
    """The deployment's remittance advices ``user`` may read: the same rule as
    ``may_read_remittance``."""
    roles = deployment_roles(user, deployment)
    remittances = RemittanceAdvice.objects.filter(deployment=deployment)
    if roles.administrator or roles.broker or roles.home_head:
        return remittances
    return remittances.none()
