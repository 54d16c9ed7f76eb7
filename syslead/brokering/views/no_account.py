"""Inviting the headteacher a request waits on when they have no account (docs/rules.md,
"Requests"): the coordinator gives their name and e-mail address and the invitations service
sends the link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from syslead.accounts.models import Role
from syslead.brokering.access import can_broker
from syslead.brokering.no_account import waiting_on_no_account
from syslead.brokering.selectors import support_request_for_user
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.invitations.forms import SomeoneToInviteForm
from syslead.invitations.services import invitation_send


@login_required
def request_invite_head(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """Invite the school's headteacher the request waits on (the request's coordinators)."""
    support_request = support_request_for_user(request.user, request_id)
    if not can_broker(request.user, support_request):
        raise PermissionDenied(
            f"Only a coordinator of {support_request.organisation.name} may do this."
        )
    waiting = waiting_on_no_account(support_request)
    if waiting is None:
        messages.info(request, "The request is not waiting on anyone without an account.")
        return redirect("brokering:detail", support_request.pk)
    form = SomeoneToInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            form,
            lambda: invitation_send(
                actor=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=Role.HEADTEACHER,
                school_urn=support_request.school_id,
                site_url=request.build_absolute_uri("/").rstrip("/"),
            ),
        )
        if outcome is not None:
            messages.success(
                request,
                f"Invited {outcome.invitation.email} as {waiting.who}: once they join, they "
                "choose the leader.",
            )
            return redirect(reverse("brokering:detail", args=[support_request.pk]) + "#no-account")
    context = {"item": support_request, "form": form, "waiting": waiting}
    return render(request, "brokering/invite_head.html", context)
