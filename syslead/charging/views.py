"""The charging policy page: an organisation's rates and broker fees for each academic year,
edited by its broker lead or a coordinator, with the history of revisions (docs/rules.md:
Charging — "reviewed every year by its board")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from syslead.accounts.access import broker_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.charging.agreements import agreement_charging_set, may_set_charging
from syslead.charging.forms import AgreementChargingForm, ChargingPolicyForm, YearForm
from syslead.charging.models import ChargingPolicy
from syslead.charging.selectors import (
    can_read_charging_policy,
    can_set_charging_policy,
    charging_policy_for,
    charging_policy_history,
)
from syslead.charging.services import AMOUNT_FIELDS, OPTIONAL_FIELDS, charging_policy_set
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.deployments.models import DeploymentStatus
from syslead.deployments.selectors import cost_breakdown_of, deployment_for_user
from syslead.deployments.views.common import posted, run_service
from syslead.organisations.models import Organisation


def _organisations(user: User) -> list[Organisation]:
    if is_administrator(user):
        return list(Organisation.objects.order_by("name"))
    return list(Organisation.objects.filter(pk__in=broker_organisation_ids(user)).order_by("name"))


@login_required
def charging(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's organisation's policy, or a choice when they belong to several."""
    organisations = _organisations(request.user)
    if not organisations:
        raise PermissionDenied("Charging policies are for brokers' coordinators and leads.")
    if len(organisations) == 1:
        return redirect("charging:charging_policy", organisations[0].pk)
    return render(request, "charging/choose.html", {"organisations": organisations})


def _year(label: str | None) -> AcademicYear:
    if label:
        try:
            return AcademicYear.parse(label)
        except ValueError:
            raise Http404("No such academic year.") from None
    return AcademicYear.current()


@login_required
def charging_policy(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """One organisation's policy for one academic year (the defaults when none is saved)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not can_read_charging_policy(request.user, organisation):
        raise Http404("No such organisation.")
    year = _year(request.GET.get("year") or request.POST.get("year"))
    policy = charging_policy_for(organisation, year)
    may_edit = can_set_charging_policy(request.user, organisation)
    initial = {name: getattr(policy, name) for name in AMOUNT_FIELDS + OPTIONAL_FIELDS}
    form = ChargingPolicyForm(posted(request), initial=initial)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Only a broker lead or coordinator sets the charging policy.")
        if form.is_valid():
            saved = run_service(
                form,
                lambda: charging_policy_set(
                    actor=request.user,
                    organisation=organisation,
                    academic_year=year,
                    **{name: form.cleaned_data[name] for name in AMOUNT_FIELDS + OPTIONAL_FIELDS},
                ),
            )
            if saved is not None:
                messages.success(request, f"Charging policy for {year.label} saved.")
                url = reverse("charging:charging_policy", args=[organisation.pk])
                return redirect(f"{url}?year={year.label}")
    stored = list(ChargingPolicy.objects.filter(organisation=organisation))
    current = AcademicYear.current()
    years = sorted(
        {p.academic_year for p in stored}
        | {current.previous().label, current.label, current.next().label, year.label},
        reverse=True,
    )
    context = {
        "organisation": organisation,
        "year": year.label,
        "policy": policy,
        "is_default": policy.pk is None,
        "history": charging_policy_history(policy),
        "stored": stored,
        "form": form,
        "may_edit": may_edit,
        "year_form": YearForm(initial={"year": year.label}, years=years),
        "to_home_full": policy.full_day_rate - policy.full_day_broker_fee,
        "to_home_half": policy.half_day_rate - policy.half_day_broker_fee,
    }
    return render(request, "charging/charging.html", context)


@login_required
def agreement_charging(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """A draft agreement's charging: who invoices the supported school, and a bespoke price with
    its reason (docs/rules.md, "Charging models", "A bespoke price")."""
    deployment = deployment_for_user(request.user, deployment_id)
    if not may_set_charging(request.user, deployment):
        raise PermissionDenied(
            f"Only a coordinator of {deployment.organisation.name} sets the agreement's charging."
        )
    initial = {
        "collected_by": deployment.collected_by,
        "bespoke_full_day_rate": deployment.bespoke_full_day_rate,
        "bespoke_half_day_rate": deployment.bespoke_half_day_rate,
        "bespoke_reason": deployment.bespoke_reason,
    }
    form = AgreementChargingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: agreement_charging_set(
                actor=request.user, deployment=deployment, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "The agreement's charging is saved.")
            return redirect("deployments:detail", deployment.pk)
    context = {
        "deployment": deployment,
        "form": form,
        "is_draft": deployment.status == DeploymentStatus.DRAFT,
        "cost_lines": cost_breakdown_of(deployment),
    }
    return render(request, "charging/agreement.html", context)
