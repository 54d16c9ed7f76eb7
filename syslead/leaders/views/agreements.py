"""The broker's agreement and code of conduct: its staff publish versions and remind leaders who
have not signed; an associated leader signs from their own pages; each association names a
contact at the broker. And a person's governance record (docs/rules.md, "The broker's agreement
and code of conduct", "Designations")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.limits import whole_number
from syslead.core.service_calls import run_service
from syslead.leaders.access import may_edit_profile
from syslead.leaders.eligibility import chair_criterion_unmet, years_as_chair
from syslead.leaders.forms import (
    AgreementPublishForm,
    AgreementSignForm,
    AssociationContactForm,
    GovernanceRoleForm,
)
from syslead.leaders.models import (
    AgreementSignature,
    Association,
    BrokerAgreement,
    DesignationType,
    GovernanceRole,
    LeaderProfile,
)
from syslead.leaders.permissions import may_coordinate
from syslead.leaders.selectors import association_for_user, leader_for_user
from syslead.leaders.selectors.agreements import broker_staff, current_agreement
from syslead.leaders.services.agreements import (
    agreement_publish,
    agreement_remind,
    agreement_sign,
    association_contact_set,
)
from syslead.leaders.services.governance import governance_role_add, governance_role_remove
from syslead.leaders.views.common import coordinated_organisations
from syslead.organisations.models import Organisation


def _coordinated(request: AuthenticatedHttpRequest, organisation_id: int) -> Organisation:
    organisation = next(
        (o for o in coordinated_organisations(request.user) if o.pk == organisation_id), None
    )
    if organisation is None:
        raise PermissionDenied("Only its coordinators manage an organisation's agreement.")
    return organisation


@login_required
def agreements_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organisations whose agreement the coordinator manages (straight to it when one)."""
    organisations = coordinated_organisations(request.user)
    if not organisations:
        raise PermissionDenied("Only coordinators manage their organisation's agreement.")
    if len(organisations) == 1:
        return redirect("leaders:agreement", organisations[0].pk)
    current = {o.pk: current_agreement(o.pk) for o in organisations}
    return render(
        request,
        "leaders/agreements_index.html",
        {"rows": [(o, current[o.pk]) for o in organisations]},
    )


def _association_rows(organisation: Organisation, agreement: BrokerAgreement | None) -> list[Any]:
    """Each live association of the organisation with its contact and whether the leader signed
    the current version (two queries)."""
    associations = list(
        Association.objects.filter(organisation=organisation, is_live=True)
        .select_related("leader__user", "contact")
        .order_by("leader__user__name", "pk")
    )
    signed: dict[int, AgreementSignature] = {}
    if agreement is not None:
        signed = {
            s.leader_id: s
            for s in AgreementSignature.objects.filter(
                agreement=agreement, leader_id__in=[a.leader_id for a in associations]
            )
        }
    return [(a, signed.get(a.leader_id)) for a in associations]


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """The organisation's agreement: the current version, its history, who has signed, and the
    form to publish a new version."""
    organisation = _coordinated(request, organisation_id)
    current = current_agreement(organisation.pk)
    form = AgreementPublishForm(
        request.POST if request.method == "POST" else None,
        initial={"title": current.title, "text": current.text} if current else None,
    )
    if request.method == "POST" and form.is_valid():
        published = run_service(
            form,
            lambda: agreement_publish(
                actor=request.user,
                organisation=organisation,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            ),
        )
        if published is not None:
            messages.success(
                request,
                f"Version {published.version} is published. Every associated leader must sign "
                "it: earlier signatures no longer count.",
            )
            return redirect("leaders:agreement", organisation.pk)
    versions = (
        BrokerAgreement.objects.filter(organisation=organisation)
        .annotate(signed=Count("signatures"))
        .select_related("published_by")
        .order_by("-version")
    )
    rows = _association_rows(organisation, current)
    return render(
        request,
        "leaders/agreement.html",
        {
            "organisation": organisation,
            "current": current,
            "versions": list(versions),
            "rows": rows,
            "unsigned": sum(1 for _, s in rows if s is None) if current else 0,
            "form": form,
        },
    )


@login_required
@require_POST
def agreement_remind_view(
    request: AuthenticatedHttpRequest, organisation_id: int, association_id: int
) -> HttpResponse:
    organisation = _coordinated(request, organisation_id)
    association = (
        Association.objects.filter(organisation=organisation, pk=association_id)
        .select_related("leader__user")
        .first()
    )
    if association is None:
        raise Http404("No such association.")
    try:
        agreement_remind(actor=request.user, association=association)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            f"{association.leader.name} has been reminded to sign (by e-mail and in their inbox).",
        )
    return redirect("leaders:agreement", organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_sign_view(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    """A leader reads and signs a version of the agreement of a broker they are associated
    with; 404 for anyone else."""
    leader = LeaderProfile.objects.filter(user=request.user).select_related("user").first()
    if leader is None:
        raise Http404("No such agreement.")
    found = (
        BrokerAgreement.objects.filter(
            pk=agreement_id,
            organisation__associations__leader=leader,
            organisation__associations__is_live=True,
        )
        .select_related("organisation")
        .first()
    )
    if found is None:
        raise Http404("No such agreement.")
    agreement_version: BrokerAgreement = found
    current = current_agreement(agreement_version.organisation_id)
    signature = AgreementSignature.objects.filter(
        agreement=agreement_version, leader=leader
    ).first()
    form = AgreementSignForm(
        request.POST if request.method == "POST" else None,
        initial={"signed_name": leader.name},
    )
    if request.method == "POST" and form.is_valid():
        signed = run_service(
            form,
            lambda: agreement_sign(
                actor=request.user,
                agreement=agreement_version,
                signed_name=form.cleaned_data["signed_name"],
                confirmed=form.cleaned_data["confirmed"],
            ),
        )
        if signed is not None:
            messages.success(
                request,
                f"You have signed {agreement_version.organisation.name}'s agreement and code of "
                f"conduct (version {agreement_version.version}).",
            )
            return redirect("leaders:my_profile")
    return render(
        request,
        "leaders/agreement_sign.html",
        {
            "agreement": agreement_version,
            "is_current": current is not None and current.pk == agreement_version.pk,
            "current": current,
            "signature": signature,
            "form": form,
            "leader": leader,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def association_contact(request: AuthenticatedHttpRequest, association_id: int) -> HttpResponse:
    """Name the leader's contact at the broker (a coordinator of the organisation)."""
    association = association_for_user(request.user, association_id)
    if not may_coordinate(request.user, association.organisation_id):
        raise PermissionDenied(f"Only coordinators of {association.organisation.name} may do that.")
    if not association.is_live:
        messages.info(request, "That association has ended.")
        return redirect("leaders:detail", association.leader_id)
    form = AssociationContactForm(
        request.POST if request.method == "POST" else None,
        initial={"contact": association.contact_id or request.user.pk},
        staff=broker_staff(association.organisation_id),
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: association_contact_set(
                actor=request.user, association=association, contact=form.cleaned_data["contact"]
            ),
        )
        if saved is not None:
            messages.success(
                request,
                f"{form.cleaned_data['contact'].get_full_name()} is {association.leader.name}'s "
                f"contact at {association.organisation.name}.",
            )
            return redirect("leaders:detail", association.leader_id)
    return render(
        request, "leaders/association_contact.html", {"form": form, "association": association}
    )


@login_required
@require_http_methods(["GET", "POST"])
def governance(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    """A person's governance record, and whether it meets the "experienced chair of governors"
    criterion; the leader themselves or a coordinator who manages them adds or removes roles."""
    if LeaderProfile.objects.filter(pk=leader_id, user=request.user).exists():
        leader = LeaderProfile.objects.select_related("user").get(pk=leader_id)
    else:
        leader = leader_for_user(request.user, leader_id)
    may_edit = may_edit_profile(request.user, leader)
    form = GovernanceRoleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Only the leader or their coordinator may change the record.")
        remove = whole_number(request.POST.get("remove"))
        if remove is not None:
            role = GovernanceRole.objects.filter(leader=leader, pk=remove).first()
            if role is None:
                raise Http404("No such role.")
            try:
                governance_role_remove(actor=request.user, role=role)
            except NotAllowed as refusal:
                raise PermissionDenied(refusal.message) from refusal
            messages.success(request, "The role has been removed from the governance record.")
            return redirect("leaders:governance", leader.pk)
        if form.is_valid():
            data = form.cleaned_data
            added = run_service(
                form,
                lambda: governance_role_add(
                    actor=request.user,
                    leader=leader,
                    body=data["body"],
                    role=data["role"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                ),
            )
            if added is not None:
                messages.success(request, "The role has been added to the governance record.")
                return redirect("leaders:governance", leader.pk)
    roles = list(leader.governance_roles.all())
    today = timezone.localdate()
    criteria = [
        (t, chair_criterion_unmet(t, leader, today))
        for t in DesignationType.objects.filter(min_years_as_chair__gt=0).order_by("code")
    ]
    return render(
        request,
        "leaders/governance.html",
        {
            "leader": leader,
            "roles": roles,
            "years_as_chair": int(years_as_chair(roles, today)),
            "criteria": criteria,
            "may_edit": may_edit,
            "form": form,
            "own": leader.user_id == request.user.pk,
        },
    )
