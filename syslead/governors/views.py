"""The governing body's pages (docs/rules.md, "The governing body"): a governor's home listing
their school's agreements and the four documents of each, read-only; the headteacher's (and the
chair's) page naming and removing governors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from syslead.accounts.access import governor_school_urns
from syslead.accounts.models import GOVERNOR_ROLES, RoleAssignment
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import RefusalForm, run_service
from syslead.deployments.access import (
    final_report_visible,
    governed_agreements,
    governor_reads_deployment_record,
    governor_reads_evaluation,
)
from syslead.evaluation.models import Evaluation, FinalReport
from syslead.evaluation.selectors import evaluation_lines, evaluation_of
from syslead.governors import services
from syslead.governors.access import (
    governed_agreement_for,
    may_name_chair,
    school_to_govern,
)
from syslead.governors.forms import GovernorToInviteForm
from syslead.invitations.models import Invitation
from syslead.privacy.audit import read_record
from syslead.privacy.models import ReadKind
from syslead.schools.models import School
from syslead.visits.models import LogShare
from syslead.visits.selectors import deployment_log


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A governor's home: their school's signed agreements (403 to anyone not on a governing
    body). Three queries, whatever the number of agreements."""
    urns = governor_school_urns(request.user)
    if not urns:
        raise PermissionDenied("This page is for school governors.")
    agreements = list(
        governed_agreements(request.user)
        .select_related("client_school", "leader__user", "organisation")
        .order_by("client_school__name", "-starts_on")
    )
    schools = list(School.objects.filter(urn__in=urns).order_by("name"))
    return render(request, "governors/home.html", {"agreements": agreements, "schools": schools})


@login_required
def agreement(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The agreement, read-only, with the documents shared with the governing body."""
    deployment, roles = governed_agreement_for(request.user, deployment_id)
    shares = [
        share
        for share in LogShare.objects.filter(deployment=deployment).order_by(
            "academic_year", "shared_at"
        )
        if governor_reads_deployment_record(roles, deployment, share)
    ]
    evaluation = Evaluation.objects.filter(deployment=deployment).first()
    report = FinalReport.objects.filter(deployment=deployment).first()
    context = {
        "deployment": deployment,
        "objectives": list(deployment.objectives.all()),
        "shares": shares,
        "evaluation": evaluation
        if governor_reads_evaluation(roles, deployment, evaluation)
        else None,
        "report": report if final_report_visible(roles, report) else None,
    }
    return render(request, "governors/agreement.html", context)


@login_required
def deployment_record(
    request: AuthenticatedHttpRequest, deployment_id: int, share_id: int
) -> HttpResponse:
    """One term's deployment record, as shared and signed (404 unless signed)."""
    deployment, roles = governed_agreement_for(request.user, deployment_id)
    share = LogShare.objects.filter(pk=share_id, deployment=deployment).first()
    if share is None or not governor_reads_deployment_record(roles, deployment, share):
        raise Http404("No such deployment record.")
    term = Term(AcademicYear.parse(share.academic_year), share.term)
    context = {"deployment": deployment, "share": share, "log": deployment_log(deployment, term)}
    return render(request, "governors/deployment_record.html", context)


@login_required
def evaluation(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The end-of-support evaluation (its reads are recorded, as everyone's)."""
    deployment, roles = governed_agreement_for(request.user, deployment_id)
    existing = evaluation_of(deployment)
    if existing is None or not governor_reads_evaluation(roles, deployment, existing):
        raise Http404("No evaluation.")
    read_record(request.user, ReadKind.EVALUATION, existing.pk, "governor's page")
    context = {
        "deployment": deployment,
        "evaluation": existing,
        "lines": evaluation_lines(existing),
    }
    return render(request, "governors/evaluation.html", context)


@login_required
def final_report(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The final report, once the broker approved it."""
    deployment, roles = governed_agreement_for(request.user, deployment_id)
    report = FinalReport.objects.filter(deployment=deployment).select_related("author").first()
    if not final_report_visible(roles, report):
        raise Http404("No final report.")
    return render(
        request, "governors/final_report.html", {"deployment": deployment, "report": report}
    )


# --- Naming the governing body ----------------------------------------------------------------


@login_required
def manage(request: AuthenticatedHttpRequest, urn: int) -> HttpResponse:
    """The school's governing body: who is on it, who is invited, and the invitation form."""
    school = school_to_govern(request.user, urn)
    chair_allowed = may_name_chair(request.user, school)
    form = GovernorToInviteForm(
        request.POST if request.method == "POST" else None, may_name_chair=chair_allowed
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = run_service(
            form,
            lambda: services.governor_invite(
                actor=request.user,
                school=school,
                name=data["name"],
                email=data["email"],
                chair=data["role"] == "chair",
                site_url=request.build_absolute_uri("/").rstrip("/"),
            ),
        )
        if outcome is not None:
            if outcome.status == "role_added":
                messages.success(
                    request,
                    f"{outcome.invitation.email} already had an account: "
                    "they are now on the governing body.",
                )
            else:
                messages.success(request, f"Invited {outcome.invitation.email} to join.")
            return redirect("governors:manage", school.urn)
    context = {
        "school": school,
        "form": form,
        "members": list(services.governing_body(school)),
        "invitations": list(services.pending_governor_invitations(school)),
        "may_name_chair": chair_allowed,
    }
    return render(request, "governors/manage.html", context)


@login_required
@require_POST
def remove(request: AuthenticatedHttpRequest, urn: int, assignment_id: int) -> HttpResponse:
    """Take someone off the governing body (their account stays; the role goes)."""
    school = school_to_govern(request.user, urn)
    assignment = get_object_or_404(
        RoleAssignment, pk=assignment_id, school=school, role__in=sorted(GOVERNOR_ROLES)
    )
    done = run_service(
        RefusalForm(),
        lambda: services.governor_remove(actor=request.user, assignment=assignment) or True,
    )
    if done:
        messages.success(request, f"{assignment.user} is no longer on the governing body.")
    return redirect("governors:manage", school.urn)


@login_required
@require_POST
def cancel_invitation(
    request: AuthenticatedHttpRequest, urn: int, invitation_id: int
) -> HttpResponse:
    """Withdraw an invitation to the governing body not yet accepted."""
    school = school_to_govern(request.user, urn)
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, school=school, role__in=sorted(GOVERNOR_ROLES)
    )
    form = RefusalForm()
    done = run_service(
        form,
        lambda: services.governor_invitation_cancel(actor=request.user, invitation=invitation),
    )
    if done is not None:
        messages.success(request, f"The invitation to {invitation.email} is cancelled.")
    else:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return redirect("governors:manage", school.urn)
