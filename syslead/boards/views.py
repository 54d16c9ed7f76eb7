"""The board pages (docs/alliances.md, "The board"): one page per academic year with the members,
the targets against the year's figures, the action plan and the budget against the year's income,
and the forms that change them. Each view fetches through ``access`` and writes through a service
(``run_service`` shows refusals)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from syslead.boards import access, selectors, services
from syslead.boards.charts import targets_chart
from syslead.boards.forms import (
    ActionForm,
    BoardMemberForm,
    BudgetLineForm,
    TargetsForm,
    YearFilterForm,
)
from syslead.boards.models import ActionItem, ActionStatus, BudgetLine, YearTargets
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.money import ZERO
from syslead.core.service_calls import run_service
from syslead.organisations.models import Organisation

T = TypeVar("T")


def _allowed(call: Callable[[], T]) -> T:
    try:
        return call()
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal


def _organisation(
    request: AuthenticatedHttpRequest, organisation_id: int, *, change: bool = False
) -> Organisation:
    return _allowed(
        lambda: access.organisation_for_board(request.user, organisation_id, change=change)
    )


def _year(label: str) -> AcademicYear:
    found = AcademicYear.parse_or_none(label)
    if found is None:
        raise Http404("No such academic year.")
    return found


def _board_url(organisation_id: int, year: AcademicYear | str, anchor: str = "") -> str:
    label = year.label if isinstance(year, AcademicYear) else year
    url = reverse("boards:board", args=[organisation_id]) + f"?year={label}"
    return f"{url}#{anchor}" if anchor else url


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The boards the person may read (straight to it when there is one)."""
    organisations = access.board_organisations_for(request.user)
    if not organisations:
        raise PermissionDenied(access.MAY_NOT_READ)
    if len(organisations) == 1:
        return redirect("boards:board", organisations[0].pk)
    return render(request, "boards/index.html", {"organisations": organisations})


@login_required
def board(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """One year of the board: members, targets against the year's figures, the action plan and
    the budget against the year's income from agreements."""
    organisation = _organisation(request, organisation_id)
    filters = YearFilterForm(request.GET, with_records=selectors.years_with_records(organisation))
    year = filters.year_chosen()
    found = selectors.board_year(organisation, year, timezone.localdate())
    context = {
        "organisation": organisation,
        "filters": filters,
        "year": year,
        "board": found,
        "chart": targets_chart(found.measures),
        "may_change": access.may_manage_board(request.user, organisation.pk),
        "done": ActionStatus.DONE,
    }
    return render(request, "boards/board.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(request, organisation_id, change=True)
    form = BoardMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        seat = run_service(
            form,
            lambda: services.board_member_save(
                actor=request.user,
                organisation=organisation,
                name=data["name"],
                role=data["role"],
                represents=data["represents"],
                account_email=data["account_email"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
            ),
            rule_field="role",
        )
        if seat is not None:
            messages.success(request, f"{seat.name} is on the board.")
            return redirect(_board_url(organisation.pk, AcademicYear.current(), "members"))
    context = {"organisation": organisation, "form": form, "member": None}
    return render(request, "boards/member_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, board_member_id: int) -> HttpResponse:
    seat = _allowed(lambda: access.board_member_for_change(request.user, board_member_id))
    organisation = seat.organisation
    form = BoardMemberForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": seat.name,
            "role": seat.role,
            "represents": seat.represents,
            "account_email": seat.user.email if seat.user else "",
            "started_on": seat.started_on,
            "ended_on": seat.ended_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.board_member_save(
                actor=request.user,
                organisation=organisation,
                member=seat,
                name=data["name"],
                role=data["role"],
                represents=data["represents"],
                account_email=data["account_email"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
            ),
            rule_field="role",
        )
        if saved is not None:
            messages.success(request, f"{saved.name}'s seat on the board is saved.")
            return redirect(_board_url(organisation.pk, AcademicYear.current(), "members"))
    context = {"organisation": organisation, "form": form, "member": seat}
    return render(request, "boards/member_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: AuthenticatedHttpRequest, organisation_id: int, year: str) -> HttpResponse:
    organisation = _organisation(request, organisation_id, change=True)
    chosen = _year(year)
    current = YearTargets.objects.filter(
        organisation=organisation, academic_year=chosen.label
    ).first()
    initial = (
        {
            "sles_to_designate": current.sles_to_designate,
            "schools_to_support": current.schools_to_support,
            "days_of_support": current.days_of_support,
        }
        if current
        else {}
    )
    form = TargetsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.targets_set(
                actor=request.user,
                organisation=organisation,
                year=chosen,
                sles_to_designate=data["sles_to_designate"],
                schools_to_support=data["schools_to_support"],
                days_of_support=data["days_of_support"],
            ),
        )
        if saved is not None:
            messages.success(request, f"The targets for {chosen.label} are saved.")
            return redirect(_board_url(organisation.pk, chosen, "targets"))
    context = {"organisation": organisation, "form": form, "year": chosen}
    return render(request, "boards/targets_form.html", context)


def _save_action(
    request: AuthenticatedHttpRequest,
    form: ActionForm,
    organisation: Organisation,
    year: AcademicYear,
    item: ActionItem | None,
) -> ActionItem | None:
    """The valid form through ``services.action_save`` (a new action when ``item`` is None); None
    with the service's refusal on the form."""
    data = form.cleaned_data
    return run_service(
        form,
        lambda: services.action_save(
            actor=request.user,
            organisation=organisation,
            year=year,
            item=item,
            action=data["action"],
            owner=data["owner"],
            due_on=data["due_on"],
            status=data["status"],
            done_on=data["done_on"],
        ),
    )


def _save_budget_line(
    request: AuthenticatedHttpRequest,
    form: BudgetLineForm,
    organisation: Organisation,
    year: AcademicYear,
    line: BudgetLine | None,
) -> BudgetLine | None:
    """The valid form through ``services.budget_line_save`` (a new line when ``line`` is None);
    None with the service's refusal on the form."""
    data = form.cleaned_data
    return run_service(
        form,
        lambda: services.budget_line_save(
            actor=request.user,
            organisation=organisation,
            year=year,
            line=line,
            heading=data["heading"],
            planned=data["planned"],
            actual=data["actual"] if data["actual"] is not None else ZERO,
            notes=data["notes"],
        ),
        rule_field="heading",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: AuthenticatedHttpRequest, organisation_id: int, year: str) -> HttpResponse:
    organisation = _organisation(request, organisation_id, change=True)
    chosen = _year(year)
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        saved = _save_action(request, form, organisation, chosen, None)
        if saved is not None:
            messages.success(request, "The action is in the plan.")
            return redirect(_board_url(organisation.pk, chosen, "actions"))
    context = {"organisation": organisation, "form": form, "year": chosen, "item": None}
    return render(request, "boards/action_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    item = _allowed(lambda: access.action_for_change(request.user, action_id))
    organisation = item.organisation
    chosen = AcademicYear.parse(item.academic_year)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "action": item.action,
            "owner": item.owner,
            "due_on": item.due_on,
            "status": item.status,
            "done_on": item.done_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_action(request, form, organisation, chosen, item)
        if saved is not None:
            messages.success(request, "The action is saved.")
            return redirect(_board_url(organisation.pk, chosen, "actions"))
    context = {
        "organisation": organisation,
        "form": form,
        "year": chosen,
        "item": item,
        "overdue": item.is_overdue(timezone.localdate()),
    }
    return render(request, "boards/action_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def budget_add(request: AuthenticatedHttpRequest, organisation_id: int, year: str) -> HttpResponse:
    organisation = _organisation(request, organisation_id, change=True)
    chosen = _year(year)
    form = BudgetLineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        saved = _save_budget_line(request, form, organisation, chosen, None)
        if saved is not None:
            messages.success(request, f"{saved.heading} is in the {chosen.label} budget.")
            return redirect(_board_url(organisation.pk, chosen, "budget"))
    context = {"organisation": organisation, "form": form, "year": chosen, "line": None}
    return render(request, "boards/budget_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit(request: AuthenticatedHttpRequest, line_id: int) -> HttpResponse:
    line = _allowed(lambda: access.budget_line_for_change(request.user, line_id))
    organisation = line.organisation
    chosen = AcademicYear.parse(line.academic_year)
    form = BudgetLineForm(
        request.POST if request.method == "POST" else None,
        initial={
            "heading": line.heading,
            "planned": line.planned,
            "actual": line.actual,
            "notes": line.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_budget_line(request, form, organisation, chosen, line)
        if saved is not None:
            messages.success(request, f"{saved.heading} is saved.")
            return redirect(_board_url(organisation.pk, chosen, "budget"))
    context = {"organisation": organisation, "form": form, "year": chosen, "line": line}
    return render(request, "boards/budget_form.html", context)


@login_required
@require_POST
def action_remove(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    item = _allowed(lambda: access.action_for_change(request.user, action_id))
    organisation_id, year = item.organisation_id, item.academic_year
    _allowed(lambda: services.action_remove(actor=request.user, item=item))
    messages.success(request, "The action is removed from the plan.")
    return redirect(_board_url(organisation_id, year, "actions"))


@login_required
@require_POST
def budget_remove(request: AuthenticatedHttpRequest, line_id: int) -> HttpResponse:
    line = _allowed(lambda: access.budget_line_for_change(request.user, line_id))
    organisation_id, year, heading = line.organisation_id, line.academic_year, line.heading
    _allowed(lambda: services.budget_line_remove(actor=request.user, line=line))
    messages.success(request, f"{heading} is removed from the {year} budget.")
    return redirect(_board_url(organisation_id, year, "budget"))
