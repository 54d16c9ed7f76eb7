"""Copying people of the local authority in on an agreement (docs/rules.md, "The school's named
SIP"): the agreement's coordinators see the school's named SIP and who is copied in, copy in
another of the organisation's SIPs and remove them. The rules are in
``syslead.deployments.copied_in``. Others who see the agreement get 403; anyone else 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import RefusalForm
from syslead.deployments import copied_in
from syslead.deployments.forms import CopyInForm
from syslead.deployments.models import CopiedIn
from syslead.deployments.selectors import deployment_for_user
from syslead.deployments.views.common import posted, require_manager, run_service
from syslead.schools.sips import school_sip


@login_required
@require_http_methods(["GET", "POST"])
def agreement_copied_in(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The school's named SIP, who is copied in, and the form to copy someone in."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    people = copied_in.people_to_copy_in(deployment)
    form = CopyInForm(posted(request), people=people)
    la_route = copied_in.may_copy_in(request.user, deployment)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        done = run_service(
            form,
            lambda: copied_in.copy_in(actor=request.user, deployment=deployment, person=person),
        )
        if done is not None:
            messages.success(request, f"{person} is copied in.")
            return redirect("deployments:copied_in", deployment.pk)
    context = {
        "deployment": deployment,
        "named_sip": school_sip(
            deployment.client_school_id, organisation=deployment.organisation_id
        ),
        "rows": list(copied_in.copied_in_of(deployment)),
        "la_route": la_route,
        "has_people": people.exists(),
        "form": form,
    }
    return render(request, "deployments/copied_in.html", context)


@login_required
@require_POST
def agreement_copied_in_remove(
    request: AuthenticatedHttpRequest, deployment_id: int, row_id: int
) -> HttpResponse:
    """Stop copying someone in."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    row = CopiedIn.objects.select_related("user").filter(pk=row_id, deployment=deployment).first()
    if row is None:
        raise Http404("No such person copied in.")
    refusal = RefusalForm()
    person = row.user
    run_service(refusal, lambda: copied_in.remove_copied_in(actor=request.user, row=row))
    if refusal.errors:
        for error in refusal.non_field_errors():
            messages.error(request, str(error))
    else:
        messages.success(request, f"{person} is no longer copied in.")
    return redirect("deployments:copied_in", deployment.pk)
