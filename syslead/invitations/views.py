"""The People pages (invitations pending, invite someone one question at a time, resend, cancel)
and the page behind an invitation's link, where the person chooses a password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import ORGANISATION_ROLES, SCHOOL_ROLES, Role, User
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import RefusalForm, put_service_errors, run_service
from syslead.invitations import services
from syslead.invitations.forms import (
    ChoosePasswordForm,
    OrganisationForm,
    PersonForm,
    RoleForm,
    SchoolForm,
)
from syslead.invitations.selectors import invitation_for_user, pending_invitations_for
from syslead.organisations.models import Organisation
from syslead.schools.models import School

DRAFT = "invitation_draft"


def _site_url(request: HttpRequest) -> str:
    """This site's address as the person sees it: the e-mailed link goes back to it."""
    return request.build_absolute_uri("/").rstrip("/")


def _require_inviter(user: User) -> None:
    if not (is_administrator(user) or coordinated_organisation_ids(user)):
        raise PermissionDenied("Only coordinators and administrators invite people.")


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Invitations not yet accepted, each with resend and cancel; a button to invite someone."""
    _require_inviter(request.user)
    pending = list(pending_invitations_for(request.user).select_related("sent_for"))
    can_import = is_administrator(request.user) or bool(coordinated_organisation_ids(request.user))
    context = {
        "pending": pending,
        "can_import": can_import,
        "can_set_up_brokers": is_administrator(request.user),  # docs/going-live.md
    }
    return render(request, "invitations/people.html", context)


def _draft(request: HttpRequest) -> dict[str, Any]:
    draft = request.session.get(DRAFT)
    return dict(draft) if isinstance(draft, dict) else {}


def _save_draft(request: HttpRequest, **values: Any) -> None:
    request.session[DRAFT] = {**_draft(request), **values}


@login_required
@require_http_methods(["GET", "POST"])
def invite_person(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 1: who (name and e-mail address)."""
    _require_inviter(request.user)
    draft = _draft(request) if request.GET.get("change") else {}
    if request.method == "GET" and not request.GET.get("change"):
        request.session.pop(DRAFT, None)
    form = PersonForm(request.POST or None, initial=draft)
    if request.method == "POST" and form.is_valid():
        _save_draft(request, name=form.cleaned_data["name"], email=form.cleaned_data["email"])
        return redirect("invitations:invite_role")
    return render(request, "invitations/invite_person.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def invite_role(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 2: the role."""
    _require_inviter(request.user)
    draft = _draft(request)
    if "email" not in draft:
        return redirect("invitations:invite")
    form = RoleForm(request.POST or None, user=request.user, initial=draft)
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        _save_draft(request, role=role, organisation=None, school=None)
        if role in ORGANISATION_ROLES or role in SCHOOL_ROLES:
            return redirect("invitations:invite_place")
        return redirect("invitations:invite_check")
    return render(request, "invitations/invite_role.html", {"form": form, "draft": draft})


@login_required
@require_http_methods(["GET", "POST"])
def invite_place(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 3, for roles held somewhere: the organisation, or the school's URN."""
    _require_inviter(request.user)
    draft = _draft(request)
    role = draft.get("role")
    if role not in ORGANISATION_ROLES and role not in SCHOOL_ROLES:
        return redirect("invitations:invite_role")
    form: OrganisationForm | SchoolForm
    if role in ORGANISATION_ROLES:
        form = OrganisationForm(request.POST or None, user=request.user, initial=draft)
    else:
        form = SchoolForm(request.POST or None, initial=draft)
    if request.method == "POST" and form.is_valid():
        if isinstance(form, OrganisationForm):
            _save_draft(request, organisation=form.cleaned_data["organisation"].pk)
            return redirect("invitations:invite_check")
        urn = form.cleaned_data["school"]
        if School.objects.filter(urn=urn).exists():
            _save_draft(request, school=urn)
            return redirect("invitations:invite_check")
        form.add_error("school", f"There is no school with URN {urn} in the register")
    context = {"form": form, "draft": draft, "role_label": Role(role).label}
    return render(request, "invitations/invite_place.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invite_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 4: check the answers, then send."""
    _require_inviter(request.user)
    draft = _draft(request)
    if "role" not in draft:
        return redirect("invitations:invite")
    form = RefusalForm(request.POST or None)
    if request.method == "POST":
        outcome = run_service(
            form,
            lambda: services.invitation_send(
                actor=request.user,
                email=draft["email"],
                name=draft["name"],
                role=draft["role"],
                organisation_id=draft.get("organisation"),
                school_urn=draft.get("school"),
                site_url=_site_url(request),
            ),
        )
        if outcome is not None:
            request.session.pop(DRAFT, None)
            invitation = outcome.invitation
            if outcome.status == "role_added" and invitation.status == "pending":
                messages.success(
                    request,
                    f"{invitation.email} already has an account, not yet used: the role has been "
                    "added and a link to choose a password has been sent.",
                )
            elif outcome.status == "role_added":
                messages.success(
                    request,
                    f"{invitation.email} already has an account: the role has been added to it.",
                )
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("invitations:people")
    organisation = (
        Organisation.objects.filter(pk=draft["organisation"]).first()
        if draft.get("organisation")
        else None
    )
    school = School.objects.filter(urn=draft["school"]).first() if draft.get("school") else None
    context = {
        "form": form,
        "draft": draft,
        "role_label": Role(draft["role"]).label,
        "organisation": organisation,
        "school": school,
    }
    return render(request, "invitations/invite_check.html", context)


@login_required
@require_POST
def resend(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_for_user(request.user, invitation_id)
    form = RefusalForm()
    if run_service(
        form,
        lambda: services.invitation_resend(
            actor=request.user, invitation=invitation, site_url=_site_url(request)
        ),
    ):
        messages.success(
            request, f"Invitation sent again to {invitation.email}; the old link no longer works."
        )
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("invitations:people")


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_for_user(request.user, invitation_id)
    form = RefusalForm()
    if run_service(
        form, lambda: services.invitation_cancel(actor=request.user, invitation=invitation)
    ):
        messages.success(
            request, f"Invitation to {invitation.email} cancelled; its link no longer works."
        )
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("invitations:people")


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Behind the e-mailed link: choose a password, and the account exists with its role; the
    person is then signed in. A used, expired, cancelled or unknown link gets a page saying so."""
    try:
        invitation = services.invitation_for_link(token)
    except services.LinkRefused as refused:
        status = 404 if refused.reason == "unknown" else 410
        return render(
            request, "invitations/link_refused.html", {"reason": refused.reason}, status=status
        )
    person = User(email=invitation.email, name=invitation.name)
    form = ChoosePasswordForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                raw_token=token, password=form.cleaned_data["new_password1"]
            )
        except services.LinkRefused as refused:
            return render(
                request, "invitations/link_refused.html", {"reason": refused.reason}, status=410
            )
        except ValidationError as error:
            put_service_errors(form, error, aliases={"password": "new_password1"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Syslead: your account is ready.")
            return redirect("core:home")
    context = {"form": form, "invitation": invitation}
    return render(request, "invitations/accept.html", context)
