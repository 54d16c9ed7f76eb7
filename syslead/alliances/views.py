"""The alliance pages: members and the MOU, termly meetings, attendance and the board's referrals.
Each view fetches through ``access`` (404 for what the person may not see, 403 for a known
organisation they may not run) and writes through a service (``run_service`` shows refusals)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from syslead.alliances import access, selectors, services
from syslead.alliances.forms import (
    AttendanceForm,
    BoardDecisionForm,
    LeaveForm,
    MeetingForm,
    MemberAddForm,
    MemberDetailsForm,
    MouForm,
)
from syslead.alliances.invitations import meeting_ics as ics_for
from syslead.alliances.invitations import meeting_ics_filename
from syslead.alliances.models import Meeting
from syslead.core.academic_years import AcademicYear
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import RefusalForm, run_service
from syslead.organisations.models import Organisation


def _organisation(request: AuthenticatedHttpRequest, organisation_id: int) -> Organisation:
    try:
        return access.organisation_for_alliance(request.user, organisation_id)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The alliances the person runs (straight to it when there is one)."""
    organisations = list(access.alliance_organisations_for(request.user))
    if not organisations:
        raise PermissionDenied("Only an alliance's coordinators and broker leads see its members.")
    if len(organisations) == 1:
        return redirect("alliances:alliance", organisations[0].pk)
    return render(request, "alliances/index.html", {"organisations": organisations})


@login_required
def alliance(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """Members with their MOU, attendance and referral, and schools year on year."""
    organisation = _organisation(request, organisation_id)
    members = list(selectors.members_of(organisation))
    context = {
        "organisation": organisation,
        "current": [m for m in members if m.left_on is None],
        "former": [m for m in members if m.left_on is not None],
        "referred": sum(1 for m in members if m.referred_to_board and m.left_on is None),
        "years": selectors.schools_year_on_year(organisation),
        "today": timezone.localdate(),
    }
    return render(request, "alliances/alliance.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    form = MemberAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = run_service(
            form,
            lambda: services.member_add(
                actor=request.user,
                organisation=organisation,
                school=data["school"],
                joined_on=data["joined_on"],
                mou_signed_on=data["mou_signed_on"],
                mou_version=data["mou_version"],
                mou_signed_by=data["mou_signed_by"],
                is_strategic_partner=data["is_strategic_partner"],
                duties=data["duties"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
            ),
            rule_field="school",
        )
        if member is not None:
            messages.success(request, f"{member.school.name} is a member of the alliance.")
            return redirect("alliances:member", member.pk)
    return render(
        request, "alliances/member_add.html", {"organisation": organisation, "form": form}
    )


@login_required
def member(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    found = access.member_for_user(request.user, member_id)
    context = {
        "member": found,
        "organisation": found.organisation,
        "attendance": selectors.member_attendance(found),
        "decisions": list(found.board_decisions.select_related("decided_by")),
        "events": list(events_for(found)),
    }
    return render(request, "alliances/member.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_mou(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    """Record the MOU signed by the member's headteacher (each year, at its review)."""
    found = access.member_for_user(request.user, member_id)
    form = MouForm(
        request.POST if request.method == "POST" else None,
        initial={"version": found.mou_version, "signed_by": found.mou_signed_by},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.member_mou_record(
                actor=request.user,
                member=found,
                signed_on=data["signed_on"],
                version=data["version"],
                signed_by=data["signed_by"],
            ),
        )
        if done is not None:
            messages.success(request, "The signed MOU is recorded.")
            return redirect("alliances:member", found.pk)
    return render(
        request,
        "alliances/member_mou.html",
        {"member": found, "organisation": found.organisation, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_details(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    """Strategic partner, duties and contact."""
    found = access.member_for_user(request.user, member_id)
    form = MemberDetailsForm(
        request.POST if request.method == "POST" else None,
        initial=MemberDetailsForm.initial_for(found),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.member_details_set(
                actor=request.user,
                member=found,
                is_strategic_partner=data["is_strategic_partner"],
                duties=data["duties"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
            ),
        )
        if done is not None:
            messages.success(request, "The member's details are saved.")
            return redirect("alliances:member", found.pk)
    return render(
        request,
        "alliances/member_details.html",
        {"member": found, "organisation": found.organisation, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    found = access.member_for_user(request.user, member_id)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.member_leave(
                actor=request.user,
                member=found,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, f"{found.school.name} has left the alliance.")
            return redirect("alliances:member", found.pk)
    return render(
        request,
        "alliances/member_leave.html",
        {"member": found, "organisation": found.organisation, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meetings(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """The year's meetings term by term, and a form to schedule the next."""
    organisation = _organisation(request, organisation_id)
    try:
        year = AcademicYear.parse(request.GET.get("year", ""))
    except ValueError:
        year = AcademicYear.current()
    form = MeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = run_service(
            form,
            lambda: services.meeting_schedule(
                actor=request.user,
                organisation=organisation,
                held_on=data["held_on"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
            ),
        )
        if meeting is not None:
            messages.success(request, f"{meeting.title} is scheduled.")
            return redirect("alliances:meeting", meeting.pk)
    context = {
        "organisation": organisation,
        "year": year,
        "previous_year": year.previous(),
        "next_year": year.next(),
        "terms": selectors.meetings_by_term(organisation, year),
        "form": form,
    }
    return render(request, "alliances/meetings.html", context)


def _meeting(request: AuthenticatedHttpRequest, meeting_id: int) -> Meeting:
    return access.meeting_for_user(request.user, meeting_id)


@login_required
def meeting(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    invited = services.members_on(found.organisation, found.held_on)
    context = {
        "meeting": found,
        "organisation": found.organisation,
        "invited": [(m, services.invitation_addresses(m)) for m in invited],
        "attendance": selectors.attendance_of(found),
        "events": list(events_for(found)),
    }
    return render(request, "alliances/meeting.html", context)


@login_required
def meeting_ics(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    response = HttpResponse(ics_for(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{meeting_ics_filename(found)}"'
    return response


@login_required
@require_POST
def meeting_invite(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    result = run_service(
        RefusalForm(), lambda: services.meeting_invitations_send(actor=request.user, meeting=found)
    )
    if result is not None:
        sent, unreachable = result
        messages.success(
            request, f"Invitations with the calendar file were e-mailed to {sent} address(es)."
        )
        if unreachable:
            names = ", ".join(m.school.name for m in unreachable)
            messages.warning(request, f"No contact e-mail address for: {names}.")
    return redirect("alliances:meeting", found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """Record who attended: present, a representative, apologies or absent."""
    found = _meeting(request, meeting_id)
    members = services.members_on(found.organisation, found.held_on)
    current = {r.member_id: r.status for r in selectors.attendance_of(found)}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, members=members, current=current
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.attendance_record(
                actor=request.user, meeting=found, attendance=form.attendance()
            ),
        )
        if done is not None:
            messages.success(request, "The attendance is recorded.")
            return redirect("alliances:meeting", found.pk)
    return render(
        request,
        "alliances/attendance.html",
        {"meeting": found, "organisation": found.organisation, "form": form},
    )


@login_required
def referrals(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """Members referred to the board for missing two consecutive meetings, and its decisions."""
    organisation = _organisation(request, organisation_id)
    context = {
        "organisation": organisation,
        "referred": list(selectors.referred_members_of(organisation)),
        "decisions": list(selectors.decisions_of(organisation)),
    }
    return render(request, "alliances/referrals.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def board_decision(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    found = access.member_for_user(request.user, member_id)
    form = BoardDecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"decided_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.board_decision_record(
                actor=request.user,
                member=found,
                decided_on=data["decided_on"],
                decision=data["decision"],
                notes=data["notes"],
            ),
        )
        if done is not None:
            messages.success(request, "The board's decision is recorded.")
            return redirect("alliances:referrals", found.organisation_id)
    return render(
        request,
        "alliances/board_decision.html",
        {"member": found, "organisation": found.organisation, "form": form},
    )
