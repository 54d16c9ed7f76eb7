"""Brokering a request: saving the shortlist of three, swapping a leader with a reason, asking
leaders for provisional agreement, the leader's answer, and the headteacher's choice (South
Gloucestershire: "identify three potential LLEs ... approach the LLEs for their provisional
agreement ... the HT of the school will be formally approached to select one")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from syslead.accounts.access import has_role, is_administrator
from syslead.accounts.models import Role
from syslead.brokering import services
from syslead.brokering.access import leader_for_request
from syslead.brokering.forms import (
    ApproachAnswerForm,
    ApproachSendForm,
    ChoiceForm,
    JudgementForm,
    ReasonForm,
    ShortlistReasonForm,
    SwapForm,
)
from syslead.brokering.models import LaCriterion
from syslead.brokering.selectors import (
    approaches_for_leader,
    approaches_for_request,
    live_shortlist,
    support_request_for_user,
)
from syslead.brokering.transitions import APPROACH_TRANSITIONS
from syslead.brokering.vocabulary import specialism_labels
from syslead.brokering.web_selectors import (
    approach_for_broker,
    approach_for_leader,
    choice_cards,
    judgement_candidates,
    request_access,
    shortlist_entry_for,
    shortlist_panel,
)
from syslead.capacity.days import number_text
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.leaders.models import LeaderProfile

from .common import (
    run_action,
)
from .requests import detail_context

# --- Shortlist -----------------------------------------------------------------------------------


@login_required
@require_POST
def shortlist_save(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """Keep the best three as the request's shortlist."""
    support_request = support_request_for_user(request.user, request_id)
    form = ShortlistReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    entries = run_action(
        request,
        lambda: services.shortlist_save(actor=request.user, request=support_request, reason=reason),
        "The shortlist has been saved.",
    )
    anchor = "#shortlist" if entries is not None else ""
    return redirect(reverse("brokering:detail", args=[support_request.pk]) + anchor)


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_swap(
    request: AuthenticatedHttpRequest, request_id: int, entry_id: int
) -> HttpResponse:
    """Put another leader who passes every rule in a shortlisted leader's place, with a reason."""
    support_request = support_request_for_user(request.user, request_id)
    access = request_access(request.user, support_request)
    if not access.broker:
        raise PermissionDenied(
            f"Only a coordinator of {support_request.organisation.name} changes the shortlist."
        )
    entry = shortlist_entry_for(support_request, entry_id)
    panel = shortlist_panel(support_request, [])
    choices = [
        (
            str(c.leader_id),
            f"{c.leader_name}: score {c.score_shown}"
            + (f", {c.distance_shown} km" if c.distance_shown is not None else "")
            + f", {number_text(c.remaining_days)} days left",
        )
        for c in panel.others
    ]
    form = SwapForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        leader = LeaderProfile.objects.get(pk=int(form.cleaned_data["leader"]))
        done = run_service(
            form,
            lambda: services.shortlist_swap(
                actor=request.user,
                entry=entry,
                new_leader=leader,
                reason=form.cleaned_data["reason"],
            ),
            rule_field="leader",
        )
        if done is not None:
            messages.success(
                request,
                f"{done.leader.user.get_full_name()} replaces "
                f"{entry.leader.user.get_full_name()} on the shortlist.",
            )
            return redirect(reverse("brokering:detail", args=[support_request.pk]) + "#shortlist")
    candidates = {c.leader_id: c for c in panel.others}
    return render(
        request,
        "brokering/shortlist_swap.html",
        {"item": support_request, "entry": entry, "form": form, "candidates": candidates},
    )


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_judgement(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """Add a leader to the shortlist by the coordinator's recorded judgement (when fewer than
    three pass every rule): one who fails only a soft rule, never a hard one."""
    support_request = support_request_for_user(request.user, request_id)
    access = request_access(request.user, support_request)
    if not access.broker:
        raise PermissionDenied(
            f"Only a coordinator of {support_request.organisation.name} changes the shortlist."
        )
    panel = shortlist_panel(support_request, approaches_for_request(support_request))
    candidates = judgement_candidates(panel)
    form = JudgementForm(
        request.POST if request.method == "POST" else None,
        choices=[(str(c.leader_id), c.label) for c in candidates],
    )
    if request.method == "POST" and form.is_valid():
        leader = leader_for_request(request.user, support_request, int(form.cleaned_data["leader"]))
        done = run_service(
            form,
            lambda: services.shortlist_add_by_judgement(
                actor=request.user,
                request=support_request,
                leader=leader,
                reason=form.cleaned_data["reason"],
                capacity_reason=form.cleaned_data["capacity_reason"],
            ),
            rule_field="leader",
        )
        if done is not None:
            messages.success(
                request, f"{leader.user.get_full_name()} is on the shortlist by your judgement."
            )
            return redirect(reverse("brokering:detail", args=[support_request.pk]) + "#shortlist")
    return render(
        request,
        "brokering/shortlist_judgement.html",
        {"item": support_request, "form": form, "panel": panel, "candidates": candidates},
    )


# --- Approaches (the coordinator) ----------------------------------------------------------------


@login_required
@require_POST
def approaches_send(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """Ask the chosen shortlisted leaders for provisional agreement, each by e-mail."""
    support_request = support_request_for_user(request.user, request_id)
    access = request_access(request.user, support_request)
    if not access.broker:
        raise PermissionDenied(
            f"Only a coordinator of {support_request.organisation.name} approaches leaders."
        )
    shortlisted = {e.leader_id: e.leader for e in live_shortlist(support_request)}
    form = ApproachSendForm(
        request.POST,
        choices=[(str(pk), leader.user.get_full_name()) for pk, leader in shortlisted.items()],
    )
    if form.is_valid():
        sent = []
        for leader_id in form.cleaned_data["leaders"]:
            leader = shortlisted[int(leader_id)]
            done = run_service(
                form,
                lambda leader=leader: services.approach_send(  # type: ignore[misc]
                    actor=request.user,
                    request=support_request,
                    leader=leader,
                    message=form.cleaned_data["message"],
                ),
                rule_field="leaders",
            )
            if done is not None:
                sent.append(leader.user.get_full_name())
        if sent:
            messages.success(request, "Asked for provisional agreement: " + ", ".join(sent) + ".")
        if not form.errors:
            return redirect(reverse("brokering:detail", args=[support_request.pk]) + "#approaches")
        support_request.refresh_from_db()
    context = detail_context(request, support_request, access=access, approach_form=form)
    return render(request, "brokering/request_detail.html", context, status=200)


@login_required
@require_http_methods(["GET", "POST"])
def approach_withdraw(request: AuthenticatedHttpRequest, approach_id: int) -> HttpResponse:
    """Withdraw an approach (for example no answer in time), with a reason."""
    approach = approach_for_broker(request.user, approach_id)
    support_request = approach.support_request
    if not request_access(request.user, support_request).broker:
        raise PermissionDenied(
            f"Only a coordinator of {support_request.organisation.name} withdraws approaches."
        )
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why is the approach withdrawn?",
        required_message="Say why the approach is withdrawn.",
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.approach_withdraw(
                actor=request.user, approach=approach, reason=form.cleaned_data["reason"]
            ),
            rule_field="reason",
        )
        if done is not None:
            messages.success(
                request, f"The approach to {approach.leader.user.get_full_name()} is withdrawn."
            )
            return redirect(reverse("brokering:detail", args=[support_request.pk]) + "#approaches")
    return render(
        request,
        "brokering/approach_withdraw.html",
        {"approach": approach, "item": support_request, "form": form},
    )


@login_required
@require_POST
def approach_expire(request: AuthenticatedHttpRequest, approach_id: int) -> HttpResponse:
    """Withdraw an expired approach ("expired / no answer") and ask the next leader on the
    shortlist, in one step."""
    approach = approach_for_broker(request.user, approach_id)
    done = run_action(
        request,
        lambda: services.approach_expire_and_ask_next(actor=request.user, approach=approach),
        f"The approach to {approach.leader.user.get_full_name()} is withdrawn as expired.",
    )
    if done is not None:
        messages.success(
            request,
            f"{done[1].leader.user.get_full_name()} has been asked for provisional agreement.",
        )
    return redirect(reverse("brokering:detail", args=[approach.support_request_id]) + "#approaches")


# --- Approaches (the leader) ---------------------------------------------------------------------


@login_required
def approach_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The leader's approaches: those to answer first, then those answered."""
    if not (is_administrator(request.user) or has_role(request.user, Role.SYSTEM_LEADER)):
        raise PermissionDenied("Only system leaders are approached.")
    leader = LeaderProfile.objects.filter(user=request.user).first()
    approaches = approaches_for_leader(leader) if leader is not None else []
    return render(
        request,
        "brokering/approach_inbox.html",
        {
            "leader": leader,
            "to_answer": [a for a in approaches if APPROACH_TRANSITIONS.in_source("accept", a)],
            "answered": [a for a in approaches if not APPROACH_TRANSITIONS.in_source("accept", a)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def approach_answer(request: AuthenticatedHttpRequest, approach_id: int) -> HttpResponse:
    """The leader reads the request and agrees provisionally, or declines with a reason (the
    e-mail's link)."""
    approach = approach_for_leader(request.user, approach_id)
    form = ApproachAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.approach_respond(
                actor=request.user,
                approach=approach,
                accept=form.accept,
                reason=form.cleaned_data["reason"],
            ),
            rule_field="answer",
        )
        if done is not None:
            messages.success(
                request,
                "Thank you: you have agreed provisionally. The headteacher will now choose."
                if form.accept
                else "Thank you: you have declined. The coordinator has been told.",
            )
            return redirect("brokering:approaches")
    item = approach.support_request
    return render(
        request,
        "brokering/approach_answer.html",
        {
            "approach": approach,
            "item": item,
            "labels": specialism_labels(item.organisation_id),
            "criteria": [LaCriterion(c).label for c in item.la_criteria if c in LaCriterion.values],
            "form": form,
            "pending": APPROACH_TRANSITIONS.in_source("accept", approach),
        },
    )


# --- The headteacher's choice --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def choose(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """The leaders who agreed side by side; the headteacher picks one, checks, then confirms."""
    support_request = support_request_for_user(request.user, request_id)
    if not request_access(request.user, support_request).choose:
        raise PermissionDenied(f"Only the headteacher of {support_request.school.name} chooses.")
    cards = choice_cards(support_request)
    form = ChoiceForm(
        request.POST if request.method == "POST" else None,
        choices=[(str(card.leader.pk), card.leader.name) for card in cards],
    )
    context = {"item": support_request, "cards": cards, "form": form}
    if request.method == "POST" and form.is_valid():
        chosen = next(c for c in cards if str(c.leader.pk) == form.cleaned_data["leader"])
        step = request.POST.get("step")
        if step == "confirm":
            try:
                services.request_choose(
                    actor=request.user, request=support_request, leader=chosen.leader
                )
            except RuleViolation as refusal:
                form.add_error("leader", refusal.message)
            except NotAllowed as refusal:
                raise PermissionDenied(refusal.message) from refusal
            else:
                messages.success(
                    request,
                    f"You have chosen {chosen.leader.name}. {support_request.organisation.name} "
                    "will now draw up the support agreement.",
                )
                return redirect("brokering:detail", support_request.pk)
        elif step != "edit":
            return render(request, "brokering/choose_check.html", {**context, "chosen": chosen})
    return render(request, "brokering/choose.html", context)
