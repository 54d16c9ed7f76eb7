"""The chase button: one POST for every kind of chase. The record is resolved through its own
access rule first (404 to anyone who may not see it), then the service decides (403 to those who
see it but may not chase it; a rule's refusal as a message on the page they return to)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from syslead.brokering.access import support_request_for_user
from syslead.brokering.web_selectors import approach_for_broker
from syslead.casework.chasing import CHASE_KINDS, chase_send
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.http import AuthenticatedHttpRequest
from syslead.deployments.selectors import deployment_for_user
from syslead.evaluation.access import feedback_for_user
from syslead.visits.access import deployment_records_for_user, visit_for_user

#: How each kind's record is found for the person: through its own visibility rule (404).
RESOLVERS: dict[str, Callable[[Any, int], Any]] = {
    "approach": approach_for_broker,
    "visit_note": visit_for_user,
    "feedback": lambda user, pk: feedback_for_user(user, pk)[0],
    "no_visit": lambda user, pk: deployment_records_for_user(user, pk)[0],
    "signature": deployment_for_user,
    "first_meeting": support_request_for_user,
}


@login_required
@require_POST
def chase(request: AuthenticatedHttpRequest, kind: str, target_id: int) -> HttpResponse:
    """Send the chase and go back to the page it was sent from."""
    if kind not in CHASE_KINDS:
        raise Http404("No such kind of reminder.")
    spec = CHASE_KINDS[kind]
    target = RESOLVERS[kind](request.user, target_id)
    try:
        event = chase_send(actor=request.user, kind=kind, target=target)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{event.summary}.")
    return redirect(spec.page(target))
