"""Packages designed by their lead (docs/rules.md, "Packages designed by their lead"): the lead
leader proposes the package's members and their days from the broker's SLE directory, with each
one's remaining days; a coordinator confirms the proposal (the members' draft agreements are
made) or returns it with a reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.deployments import services
from syslead.deployments.access import is_package_lead, may_decide_proposal
from syslead.deployments.models import ProposalStatus
from syslead.deployments.selectors import package_for_user, package_lead, proposal_for_user
from syslead.deployments.services.packages import package_sle_directory


class ProposeForm(forms.Form):
    """One "days" box per SLE of the directory (empty: not proposed), and a note."""

    note = forms.CharField(
        label="A note for the coordinator (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, leaders: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leaders = leaders
        for leader in leaders:
            self.fields[f"days-{leader.pk}"] = forms.DecimalField(
                label=f"Days for {leader.user.get_full_name()}",
                required=False,
                max_digits=5,
                decimal_places=1,
                widget=forms.TextInput(attrs={"class": "input--short", "inputmode": "decimal"}),
                error_messages={
                    "invalid": f"Enter {leader.user.get_full_name()}'s days as a number, like 3 "
                    "or 2.5.",
                    "max_decimal_places": "Give the days in whole or half days.",
                    "max_digits": "Enter fewer days.",
                },
            )

    def rows(self) -> list[tuple[Any, Any]]:
        return [(leader, self[f"days-{leader.pk}"]) for leader in self.leaders]

    def members(self) -> list[services.MemberDays]:
        return [
            services.MemberDays(leader=leader.pk, days=Decimal(days))
            for leader in self.leaders
            if (days := self.cleaned_data.get(f"days-{leader.pk}")) is not None
        ]

    def put_error(self, name: str, message: str) -> None:
        self.add_error(name if name in self.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
def package_propose(request: AuthenticatedHttpRequest, package_id: int) -> HttpResponse:
    """The lead leader proposes the package's members and their days from the broker's SLEs."""
    package = package_for_user(request.user, package_id)
    if not is_package_lead(request.user, package):
        raise PermissionDenied("Only the package's lead leader proposes its members.")
    lead = package_lead(package)
    assert lead is not None  # the person leads it
    leaders = list(package_sle_directory(package, lead))
    form = ProposeForm(
        request.POST if request.method == "POST" else None, leaders=leaders, prefix=None
    )
    if request.method == "POST" and form.is_valid():
        proposal = run_service(
            form,
            lambda: services.package_propose(
                actor=request.user,
                package=package,
                members=form.members(),
                note=form.cleaned_data["note"],
            ),
        )
        if proposal is not None:
            messages.success(
                request, "Your proposal is sent: a coordinator confirms it or returns it to you."
            )
            return redirect("deployments:package_proposal", proposal.pk)
    waiting = package.proposals.filter(status=ProposalStatus.PROPOSED).first()
    last_returned = package.proposals.filter(status=ProposalStatus.RETURNED).first()
    context = {
        "package": package,
        "lead": lead,
        "form": form,
        "waiting": waiting,
        "returned": last_returned,
        "year": lead.academic_year,
    }
    return render(request, "deployments/package_propose.html", context)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why is it returned? (to return it)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The lead reads this before proposing again.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def package_proposal(request: AuthenticatedHttpRequest, proposal_id: int) -> HttpResponse:
    """A proposal of the package's members: the lead reads it; a coordinator confirms it or
    returns it with a reason."""
    proposal = proposal_for_user(request.user, proposal_id)
    package = proposal.package
    decides = may_decide_proposal(request.user, package)
    form = ReturnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not decides:
            raise PermissionDenied(
                f"Only a coordinator of {package.organisation.name} confirms the package's members."
            )
        what = request.POST.get("what", "")
        if what == "confirm":
            form.is_valid()
            made = run_service(
                form,
                lambda: services.package_proposal_confirm(actor=request.user, proposal=proposal),
            )
            if made is not None:
                messages.success(
                    request,
                    f"Confirmed: {len(made)} draft agreement(s) made in the package. Check each "
                    "and send it for signature.",
                )
                return redirect("deployments:package_proposal", proposal.pk)
        elif what == "return" and form.is_valid():
            done = run_service(
                form,
                lambda: services.package_proposal_return(
                    actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
                ),
                rule_field="reason",
            )
            if done is not None:
                messages.success(request, "The proposal is returned to the lead with your reason.")
                return redirect("deployments:package_proposal", proposal.pk)
    members = list(proposal.members.select_related("leader__user", "leader__home_school"))
    context = {
        "proposal": proposal,
        "package": package,
        "lead": package_lead(package),
        "members": members,
        "form": form,
        "decides": decides and proposal.status == ProposalStatus.PROPOSED,
    }
    return render(request, "deployments/package_proposal.html", context)
