"""A leader moves school (docs/rules.md, "A leader moves school"): the leader or a coordinator of
their broker records the new school and the date; the service does the rest."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.leaders.forms import MoveSchoolForm
from syslead.leaders.permissions import is_the_leader, may_move_school
from syslead.leaders.selectors import leader_for_user
from syslead.leaders.selectors.moves import employment_history
from syslead.leaders.services import leader_move_school
from syslead.leaders.wording import date_in_words


@login_required
@require_http_methods(["GET", "POST"])
def move_school(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    """The new school's URN and the first day there; a refusal goes back on the form."""
    leader = leader_for_user(request.user, leader_id)
    if not may_move_school(request.user, leader):
        raise PermissionDenied(
            "Only the leader, or a coordinator of an organisation the leader works with, may "
            "record a move of school."
        )
    form = MoveSchoolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        move = run_service(
            form,
            lambda: leader_move_school(
                actor=request.user,
                leader=leader,
                new_school=data["new_school"],
                from_date=data["from_date"],
            ),
        )
        if move is not None:
            school = move.employment.school
            messages.success(
                request,
                f"{leader.name} works at {school.name} from "
                f"{date_in_words(data['from_date'])}. The rest of the profile is unchanged.",
            )
            if move.asked:
                messages.info(
                    request,
                    f"{school.name}'s headteacher has been asked to agree the release days for "
                    "the rest of the year.",
                )
            else:
                messages.warning(
                    request,
                    f"{school.name} has no headteacher in Syslead yet: invite them so they can "
                    "agree the release days.",
                )
            if move.flagged:
                count = len(move.flagged)
                messages.info(
                    request,
                    f"{count} live agreement{'s are' if count != 1 else ' is'} flagged for the "
                    "coordinator to record the change.",
                )
            if is_the_leader(request.user, leader):
                return redirect("leaders:my_profile")
            return redirect("leaders:detail", leader.pk)
    return render(
        request,
        "leaders/move_school.html",
        {
            "form": form,
            "leader": leader,
            "history": employment_history(leader),
            "own": is_the_leader(request.user, leader),
        },
    )
