"""The first meeting's page (docs/rules.md, "The first meeting"): the chosen leader, or a
coordinator of the request's organisation on their behalf, records the first contact, schedules
the meeting and records it held with what was agreed. One page, three forms in order; each posts
its ``step``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from syslead.brokering.access import can_broker, support_request_for_user
from syslead.brokering.forms import (
    FirstContactForm,
    FirstMeetingHeldForm,
    FirstMeetingScheduleForm,
)
from syslead.brokering.models import RequestStatus
from syslead.brokering.services import first_meetings as fm
from syslead.casework.chasing import chase_panel
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service

STEPS = ("contact", "schedule", "held")


@login_required
@require_http_methods(["GET", "POST"])
def first_meeting(request: AuthenticatedHttpRequest, request_id: int) -> Any:
    """Record the first contact, schedule the first meeting, record it held."""
    support_request = support_request_for_user(request.user, request_id)
    if not fm.may_record_first_meeting(request.user, support_request):
        raise PermissionDenied(
            "Only the chosen leader or a coordinator of "
            f"{support_request.organisation.name} records the first meeting."
        )
    meeting = fm.first_meeting_of(support_request)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    contact_initial = {"contacted_on": meeting.contacted_on} if meeting else {}
    schedule_initial = (
        {
            "meeting_on": meeting.meeting_on,
            "meeting_time": meeting.meeting_time,
            "attendees": meeting.attendees,
            "online": meeting.online,
            "place": meeting.place,
        }
        if meeting and meeting.is_scheduled
        else {}
    )
    contact = FirstContactForm(
        request.POST if step == "contact" else None, initial=contact_initial, prefix="contact"
    )
    schedule = FirstMeetingScheduleForm(
        request.POST if step == "schedule" else None, initial=schedule_initial, prefix="schedule"
    )
    held = FirstMeetingHeldForm(request.POST if step == "held" else None, prefix="held")
    done: object = None
    form: forms.Form | None = None
    if step == "contact" and contact.is_valid():
        form = contact
        done = run_service(
            contact,
            lambda: fm.first_meeting_record_contact(
                actor=request.user,
                request=support_request,
                contacted_on=contact.cleaned_data["contacted_on"],
            ),
        )
        message = "The first contact is recorded: now schedule the first meeting."
    elif step == "schedule" and schedule.is_valid():
        form = schedule
        data = schedule.cleaned_data
        done = run_service(
            schedule,
            lambda: fm.first_meeting_schedule(
                actor=request.user,
                request=support_request,
                meeting_on=data["meeting_on"],
                meeting_time=data["meeting_time"],
                attendees=data["attendees"],
                place=data["place"],
                online=data["online"],
            ),
        )
        message = "The first meeting is scheduled."
    elif step == "held" and held.is_valid():
        form = held
        data = held.cleaned_data
        done = run_service(
            held,
            lambda: fm.first_meeting_record_held(
                actor=request.user,
                request=support_request,
                held_on=data["held_on"],
                notes=data["notes"],
                agreed_objectives=data["agreed_objectives"],
                agreed_days=data["agreed_days"],
                agreed_starts_on=data["agreed_starts_on"],
                agreed_ends_on=data["agreed_ends_on"],
            ),
        )
        message = "The first meeting is recorded: the draft agreement starts from it."
    if done is not None and form is not None:
        messages.success(request, message)
        return redirect("brokering:first_meeting", support_request.pk)
    errors_in = next(
        (f for f in (contact, schedule, held) if f.is_bound and f.errors),
        None,
    )
    context = {
        "item": support_request,
        "meeting": meeting,
        "contact": contact,
        "schedule": schedule,
        "held": held,
        "form": errors_in,
        "open": support_request.status == RequestStatus.MATCHED,
        "chosen_on": fm.chosen_on(support_request),
        "due_by": fm.first_meeting_due_by(support_request),
        "overdue": fm.first_meeting_is_overdue(support_request, meeting),
        "is_leader": fm.is_chosen_leader(request.user, support_request),
        # A coordinator chases the leader once the first meeting is overdue.
        "panel": chase_panel(request.user, "first_meeting", support_request),
        # Coordinators draft the agreement (the deployments area's page, by its URL's name).
        "draft_url": reverse("deployments:create", args=[support_request.pk])
        if can_broker(request.user, support_request)
        and support_request.status == RequestStatus.MATCHED
        else "",
    }
    return render(request, "brokering/first_meeting.html", context)
