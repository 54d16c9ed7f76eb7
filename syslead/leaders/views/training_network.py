"""The training network's pages beyond the register: inviting people to an event, a delegate's
feedback, a leader's termly review and marking a training need met (docs/rules.md: "Training
invitations", "Delegates' feedback", "Termly reviews and training needs")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import RefusalForm, run_service
from syslead.leaders.forms import TermlyReviewForm, TrainingFeedbackForm, TrainingInviteForm
from syslead.leaders.models import LeaderProfile, TrainingFeedback, TrainingKind
from syslead.leaders.permissions import may_coordinate
from syslead.leaders.selectors import (
    leader_for_user,
    training_event_for_delegate,
    training_event_for_user,
    training_need_for_user,
)
from syslead.leaders.services import (
    lle_group_officers,
    review_organisations,
    termly_review_record,
    training_feedback_give,
    training_invitations_send,
    training_need_mark_met,
)
from syslead.leaders.services.training_network import may_give_feedback
from syslead.leaders.views.training import organisation_leaders


def _names(names: list[str]) -> str:
    return ", ".join(names)


@login_required
@require_http_methods(["GET", "POST"])
def training_invite(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    """Choose whom to invite: the organisation's leaders and, to an LLE group meeting, its lead
    officers. Those already invited are shown as such and not e-mailed again."""
    event = training_event_for_user(request.user, event_id)
    if not may_coordinate(request.user, event.organisation_id):
        raise PermissionDenied("Only the organisation's coordinators invite to its training.")
    leaders = list(organisation_leaders({event.organisation_id}))
    officers = (
        lle_group_officers(event.organisation_id) if event.kind == TrainingKind.LLE_GROUP else []
    )
    invited = set(event.invitations.values_list("person_id", flat=True))

    def label(name: str, person_id: int, suffix: str = "") -> str:
        return name + suffix + (" (already invited)" if person_id in invited else "")

    people = [(f"leader-{leader.pk}", label(leader.name, leader.user_id)) for leader in leaders]
    people += [
        (
            f"officer-{user.pk}",
            label(user.get_full_name(), user.pk, ", local-authority lead officer"),
        )
        for user in officers
    ]
    form = TrainingInviteForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["people"])
        url = request.build_absolute_uri(reverse("leaders:training_event", args=[event.pk]))
        result = run_service(
            form,
            lambda: training_invitations_send(
                actor=request.user,
                event=event,
                leaders=[leader for leader in leaders if f"leader-{leader.pk}" in chosen],
                officers=[user for user in officers if f"officer-{user.pk}" in chosen],
                url=url,
            ),
            rule_field="people",
        )
        if result is not None:
            sent = len(result.sent)
            messages.success(
                request,
                f"{sent} invitation{'s' if sent != 1 else ''} e-mailed with the calendar file.",
            )
            if result.already_invited:
                messages.info(
                    request,
                    f"Already invited, not e-mailed again: {_names(result.already_invited)}.",
                )
            if result.unreachable:
                unreachable = _names(result.unreachable)
                messages.warning(
                    request, f"Not invited (no active account or e-mail address): {unreachable}."
                )
            return redirect("leaders:training_event", event.pk)
    return render(
        request,
        "leaders/training_invite.html",
        {"event": event, "form": form, "is_past": event.held_on < timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_feedback(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    """A delegate's feedback on an event they attended, given once."""
    event = training_event_for_delegate(request.user, event_id)
    if not may_give_feedback(request.user, event):
        raise PermissionDenied("Only delegates recorded as attending the event give feedback.")
    given = TrainingFeedback.objects.filter(event=event, leader__user_id=request.user.pk).first()
    form = TrainingFeedbackForm(request.POST if request.method == "POST" and not given else None)
    if request.method == "POST" and given is None and form.is_valid():
        data = form.cleaned_data
        feedback = run_service(
            form,
            lambda: training_feedback_give(
                actor=request.user,
                event=event,
                usefulness=data["usefulness"],
                will_do_differently=data["will_do_differently"],
                comments=data["comments"],
            ),
            rule_field="usefulness",
        )
        if feedback is not None:
            messages.success(request, f"Thank you: your feedback on {event.title} is saved.")
            return redirect("leaders:training_feedback", event.pk)
    return render(
        request,
        "leaders/training_feedback.html",
        {
            "event": event,
            "form": form,
            "given": given,
            "too_early": event.held_on > timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def termly_review_new(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    """Record a termly review meeting with the leader and the training needs it identified."""
    leader: LeaderProfile = leader_for_user(request.user, leader_id)
    organisations = review_organisations(request.user, leader)
    if not organisations:
        raise PermissionDenied(
            f"Only coordinators of an organisation {leader.name} is associated with record their "
            "termly reviews."
        )
    form = TermlyReviewForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        review = run_service(
            form,
            lambda: termly_review_record(
                actor=request.user,
                leader=leader,
                organisation=data["organisation"],
                held_on=data["held_on"],
                attended_by=data["attended_by"],
                notes=data["notes"],
                needs=form.needs(),
            ),
        )
        if review is not None:
            messages.success(request, f"The termly review of {leader.name} is recorded.")
            return redirect(reverse("leaders:detail", args=[leader.pk]) + "#training-needs")
    return render(request, "leaders/termly_review_new.html", {"leader": leader, "form": form})


@login_required
@require_POST
def training_need_met(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    """A coordinator marks a leader's training need met."""
    need = training_need_for_user(request.user, need_id)
    form = RefusalForm()
    done = run_service(form, lambda: training_need_mark_met(actor=request.user, need=need))
    if done is not None:
        messages.success(request, f"Marked met: {need.description}.")
    else:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return redirect(reverse("leaders:detail", args=[need.leader_id]) + "#training-needs")
