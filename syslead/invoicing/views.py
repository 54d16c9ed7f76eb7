"""The invoice pages: a deployment's invoices, one invoice, its actions (each with a check step)
and its PDF. Fetch through the access helpers (404 to outsiders), call a service, show its
refusal in the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from syslead.core.http import AuthenticatedHttpRequest
from syslead.evaluation.documents import pdf_response
from syslead.invoicing import access, services
from syslead.invoicing.forms import CancelForm, ExpensesForm, PaidForm, RemittanceForm
from syslead.invoicing.models import InvoiceStatus, IssuerKind
from syslead.invoicing.pdf import (
    invoice_filename,
    invoice_pdf,
    remittance_filename,
    remittance_pdf,
)
from syslead.invoicing.selectors import (
    invoice_context,
    invoice_for_user,
    remittance_context,
    remittance_for_user,
)
from syslead.invoicing.transitions import INVOICE
from syslead.visits.access import deployment_records_for_user
from syslead.visits.web import RefusalForm, run_service


def _refusal_form() -> RefusalForm:
    """An empty bound form, ready to carry a service's refusal."""
    form = RefusalForm({})
    form.is_valid()
    return form


@login_required
def invoice_list(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    if not access.may_see_list(roles):
        raise PermissionDenied("Only the schools and the broker see this agreement's invoices.")
    can_draft = access.may_draft(roles, deployment)
    context = {
        "deployment": deployment,
        "invoices": access.invoices_visible(request.user, deployment).select_related(
            "issuer_school", "issuer_organisation"
        ),
        "can_draft": can_draft,
        "to_invoice": services.uninvoiced_visits(deployment).count() if can_draft else 0,
        "remittances": access.remittances_visible(request.user, deployment).select_related(
            "invoice"
        ),
        "form": RefusalForm(),
    }
    return render(request, "invoicing/list.html", context)


@login_required
@require_POST
def invoice_draft(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    deployment, _roles = deployment_records_for_user(request.user, deployment_id)
    form = _refusal_form()
    invoice = run_service(
        form, lambda: services.invoice_draft(actor=request.user, deployment=deployment)
    )
    if invoice is None:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        return redirect("invoicing:list", deployment.pk)
    messages.success(request, "Draft invoice made: check it, then issue it.")
    return redirect("invoicing:detail", invoice.pk)


@login_required
def invoice_detail(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_for_user(request.user, invoice_id)
    form = ExpensesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        line = run_service(
            form,
            lambda: services.invoice_add_expenses(
                actor=request.user,
                invoice=invoice,
                description=form.cleaned_data["description"],
                amount=form.cleaned_data["amount"],
            ),
        )
        if line is not None:
            messages.success(request, "Expenses added to the invoice.")
            return redirect("invoicing:detail", invoice.pk)
    context = {
        **invoice_context(invoice),
        # What this person may do now: the invoice's transition table.
        "steps": INVOICE.allowed(request.user, invoice),
        "form": form,
        "can_remit": invoice.status == InvoiceStatus.PAID
        and invoice.issuer_kind == IssuerKind.BROKER
        and access.may_record_remittance(request.user, invoice),
    }
    return render(request, "invoicing/detail.html", context)


@login_required
def invoice_issue(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    """Check the invoice, then issue it: it is numbered and the payer is told."""
    invoice = invoice_for_user(request.user, invoice_id)
    if not access.may_act(request.user, invoice):
        raise PermissionDenied("Only the invoice's issuer or the broker's coordinators issue it.")
    form = _refusal_form() if request.method == "POST" else RefusalForm()
    if request.method == "POST":
        issued = run_service(
            form, lambda: services.invoice_issue(actor=request.user, invoice=invoice)
        )
        if issued is not None:
            messages.success(request, f"Invoice {issued.number} issued to {issued.payer_name}.")
            return redirect("invoicing:detail", invoice.pk)
    context = {**invoice_context(invoice), "form": form}
    return render(request, "invoicing/issue_check.html", context)


@login_required
def invoice_paid(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_for_user(request.user, invoice_id)
    if not access.may_act(request.user, invoice):
        raise PermissionDenied("Only the invoice's issuer or the broker's coordinators do this.")
    form = PaidForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        paid = run_service(
            form,
            lambda: services.invoice_mark_paid(
                actor=request.user, invoice=invoice, paid_on=form.cleaned_data["paid_on"]
            ),
        )
        if paid is not None:
            messages.success(request, f"Invoice {paid.number} marked paid.")
            return redirect("invoicing:detail", invoice.pk)
    return render(request, "invoicing/paid.html", {**invoice_context(invoice), "form": form})


@login_required
def invoice_cancel(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_for_user(request.user, invoice_id)
    if not access.may_act(request.user, invoice):
        raise PermissionDenied("Only the invoice's issuer or the broker's coordinators do this.")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cancelled = run_service(
            form,
            lambda: services.invoice_cancel(
                actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"]
            ),
        )
        if cancelled is not None:
            messages.success(request, "Invoice cancelled: its visits can be invoiced again.")
            return redirect("invoicing:list", invoice.deployment_id)
    context = {
        **invoice_context(invoice),
        "form": form,
        "issued": invoice.status == InvoiceStatus.ISSUED,
    }
    return render(request, "invoicing/cancel.html", context)


@login_required
def invoice_pdf_view(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_for_user(request.user, invoice_id)
    return pdf_response(invoice_pdf(invoice), invoice_filename(invoice))


@login_required
def remittance_new(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    """Record that the broker paid the leader's school its share of an invoice it collected."""
    invoice = invoice_for_user(request.user, invoice_id)
    if not access.may_record_remittance(request.user, invoice):
        raise PermissionDenied("Only the broker's coordinators record what the broker paid out.")
    form = RemittanceForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        remittance = run_service(
            form,
            lambda: services.remittance_record(
                actor=request.user,
                invoice=invoice,
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
            ),
        )
        if remittance is not None:
            messages.success(
                request, f"Payment recorded: {remittance.home_school.name} can see the advice."
            )
            return redirect("invoicing:remittance", remittance.pk)
    return render(request, "invoicing/remit.html", {**invoice_context(invoice), "form": form})


@login_required
def remittance_detail(request: AuthenticatedHttpRequest, remittance_id: int) -> HttpResponse:
    remittance = remittance_for_user(request.user, remittance_id)
    return render(request, "invoicing/remittance.html", remittance_context(remittance))


@login_required
def remittance_pdf_view(request: AuthenticatedHttpRequest, remittance_id: int) -> HttpResponse:
    remittance = remittance_for_user(request.user, remittance_id)
    return pdf_response(remittance_pdf(remittance), remittance_filename(remittance))
