"""The list of agreements, one agreement's page (status, parties and signatures, what to do next,
the contract as the paper form lays it out, versions, changes, the timeline, links to delivery)
and its PDF."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from syslead.accounts.access import (
    broker_organisation_ids,
    coordinated_organisation_ids,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.brokering.models import RequestStatus
from syslead.brokering.selectors import support_requests_for_user
from syslead.casework.chasing import chase_panel
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.limits import MAX_URN, whole_number
from syslead.deployments.closing import close_out_due, close_out_of, close_out_tasks
from syslead.deployments.forms import AgreementFilterForm
from syslead.deployments.models import Deployment, DisputeStatus, Signature
from syslead.deployments.moves import move_flag_text, open_move_flag_for
from syslead.deployments.parties import party_in_sentence, party_label
from syslead.deployments.pdf import agreement_document, agreement_filename, agreement_pdf
from syslead.deployments.selectors import (
    can_manage_deployment,
    chair_signature_needed,
    changes_of,
    deployment_for_user,
    deployment_timeline,
    deployments_for_user,
    is_read_only,
    next_steps_for,
    package_deployments,
    package_proposals_shown,
    party_signers,
    party_states,
    party_to_sign,
    unsigned_parties,
    version_chain,
)
from syslead.deployments.sip import school_sips
from syslead.deployments.transitions import AGREEMENT, SIGNED

PAGE_SIZE = 25
#: Requests with a chosen leader the list offers to draft an agreement for.
READY_REQUESTS = 10


def _filtered(user: User, form: AgreementFilterForm) -> Any:
    queryset = deployments_for_user(user)
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    school = (data.get("school") or "").strip()
    if school:
        by_school = Q(client_school__name__icontains=school)
        urn = whole_number(school, MAX_URN)
        if urn is not None:
            by_school |= Q(client_school_id=urn)
        queryset = queryset.filter(by_school)
    leader = (data.get("leader") or "").strip()
    if leader:
        queryset = queryset.filter(leader__user__name__icontains=leader)
    return queryset


def _ready_requests(user: User) -> list[Any]:
    """Requests with a chosen leader and no agreement yet, for the coordinator to draft."""
    if not (is_administrator(user) or coordinated_organisation_ids(user)):
        return []
    ready = support_requests_for_user(user).filter(status=RequestStatus.MATCHED)
    if not is_administrator(user):
        ready = ready.filter(organisation_id__in=coordinated_organisation_ids(user))
    return list(ready.select_related("chosen_leader__user").order_by("created_at")[:READY_REQUESTS])


@login_required
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every agreement the person may see, filterable by status, school and leader."""
    form = AgreementFilterForm(request.GET or None)
    queryset = _filtered(request.user, form).prefetch_related(
        Prefetch("signatures", queryset=Signature.objects.only("id", "deployment_id", "party"))
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (
            deployment,
            [party_label(deployment, p) for p in unsigned_parties(deployment)]
            if AGREEMENT.in_source("sign", deployment)
            else [],
        )
        for deployment in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "filtered": any(request.GET.get(name) for name in ("status", "school", "leader")),
        "ready": _ready_requests(request.user),
        "may_create": is_administrator(request.user)
        or bool(coordinated_organisation_ids(request.user)),
        "may_charge": is_administrator(request.user) or bool(broker_organisation_ids(request.user)),
    }
    return render(request, "deployments/list.html", context)


def _with_signatures(deployment: Deployment) -> Deployment:
    prefetch_related_objects([deployment], "signatures__signed_by")
    return deployment


@login_required
def agreement_detail(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The agreement: what you need to do next, the parties and their signatures, the contract,
    costs, objectives, versions, changes, the timeline and the delivery records."""
    user = request.user
    deployment = _with_signatures(deployment_for_user(user, deployment_id))
    # What this person may do now: the agreement's transition table.
    steps = AGREEMENT.allowed(user, deployment)
    waiting = AGREEMENT.in_source("sign", deployment)
    to_sign = party_to_sign(user, deployment) if waiting else None
    manager = can_manage_deployment(user, deployment)
    changes = changes_of(deployment)
    versions = version_chain(deployment)
    move_flag = open_move_flag_for(deployment.pk) if manager else None
    # Closing together and disputes (docs/rules.md, "Closing an agreement", "Disputes").
    close_out = close_out_of(deployment)
    disputes = list(deployment.disputes.select_related("raised_by", "resolved_by"))
    open_disputes = [d for d in disputes if d.status == DisputeStatus.OPEN]
    shows_close_out = deployment.status in SIGNED or close_out is not None
    tasks = close_out_tasks(user, deployment, close_out, open_disputes) if shows_close_out else []
    due = close_out_due(deployment, close_out, timezone.localdate())
    context = {
        "deployment": deployment,
        "document": agreement_document(deployment),
        "next_steps": next_steps_for(user, deployment),
        "to_sign": party_in_sentence(deployment, to_sign) if to_sign else "",
        "manager": manager,
        "read_only": is_read_only(deployment),
        "chair_needed": manager and chair_signature_needed(deployment),
        "signers_missing": [row for row in party_signers(deployment) if not row.can_sign]
        if waiting
        else [],
        "versions": versions if len(versions) > 1 else [],
        "changes": changes,
        "open_requests": [c for c in changes if not c.action and c.resolved_at is None],
        "timeline": deployment_timeline(deployment, request.user),
        "package_rows": package_deployments(deployment.package) if deployment.package else [],
        "package_proposals": package_proposals_shown(user, deployment),
        "replacements": list(
            Deployment.objects.filter(replaces=deployment).select_related("leader__user")
        ),
        "steps": steps,
        "may_ask_exit": "request_exit" in steps,
        "may_report_unavailable": "report_unavailable" in steps,
        "chase": chase_panel(user, "signature", deployment),
        # A draft: sending it for signature, and the SIP's agreement first on the LA route.
        "party_states": party_states(deployment),
        "sips": school_sips(deployment),
        "may_send": "send_for_signature" in steps,
        "may_sip_answer": "sip_agree" in steps and not deployment.sip_decision,
        # The leader moved school: the coordinator records the change (docs/rules.md).
        "move_flag": move_flag,
        "move_flag_text": move_flag_text(move_flag) if move_flag else "",
        "close_out_tasks": tasks,
        # Needs attention: each close-out step this person must take now, once it is due.
        "my_close_out": [task for task in tasks if task.url] if due else [],
        "further_request": close_out.further_request if close_out else None,
        "disputes": disputes,
        "may_raise_dispute": "raise_dispute" in steps,
        "may_resolve_disputes": manager,
    }
    return render(request, "deployments/detail.html", context)


@login_required
def agreement_pdf_view(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The agreement as a PDF laid out like the paper contract, with the signature record."""
    deployment = _with_signatures(deployment_for_user(request.user, deployment_id))
    response = HttpResponse(agreement_pdf(deployment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{agreement_filename(deployment)}"'
    return response
