"""Writes of the board (docs/alliances.md, "The board"): its members, the year's targets, the
action plan and the budget. Every service checks who may act (``access.may_manage_board``),
refuses bad input before it writes, and writes an event in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.boards.access import MAY_NOT_CHANGE, may_manage_board
from syslead.boards.models import (
    ActionItem,
    ActionStatus,
    BoardMember,
    BoardRole,
    BudgetLine,
    YearTargets,
)
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.core.money import money, money_problem, pounds
from syslead.organisations.models import Organisation

EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2099, 8, 31)
#: The most a budget line may plan or record: a whole year's heading, not a day's rate.
BUDGET_LINE_MAX = Decimal("1000000.00")
#: The largest targets a board may set for a year.
MAX_SLES = 500
MAX_SCHOOLS = 2000
MAX_DAYS = Decimal("20000")

ONE_CHAIR = "The board already has a chair: end their term first, or choose another role."
NO_ACCOUNT = (
    "No one has a Syslead account with that e-mail address: leave it empty, or invite them first."
)


def _check_allowed(actor: User, organisation: Organisation) -> None:
    if not may_manage_board(actor, organisation.pk):
        raise NotAllowed(MAY_NOT_CHANGE)


def _check_date(errors: FieldErrors, name: str, value: dt.date | None) -> None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        errors.add(
            name, f"Enter a date between {EARLIEST_DATE:%-d %B %Y} and {LATEST_DATE:%-d %B %Y}."
        )


def _check_text(errors: FieldErrors, name: str, value: str, label: str, limit: int) -> str:
    text = value.strip()
    if not text:
        errors.add(name, f"Enter the {label}.")
    elif len(text) > limit:
        errors.add(name, f"The {label} must be {limit} characters or fewer.")
    return text


# Members -----------------------------------------------------------------------------------------


def account_for_email(email: str) -> User | None:
    """The active account with that e-mail address (case does not matter), or None."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def board_member_save(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    role: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    represents: str = "",
    account_email: str = "",
    member: BoardMember | None = None,
) -> BoardMember:
    """Add a seat on the board, or change one (``member``). Rules (docs/alliances.md, "The
    board"): a seat ends on or after it starts; the board has at most one current chair (a
    partial unique index backs it); a linked account must exist."""
    _check_allowed(actor, organisation)
    if member is not None and member.organisation_id != organisation.pk:
        raise NotAllowed(MAY_NOT_CHANGE)
    errors = FieldErrors()
    name = _check_text(errors, "name", name, "member's name", 200)
    if role not in BoardRole.values:
        errors.add("role", "Choose the member's role on the board.")
    _check_date(errors, "started_on", started_on)
    _check_date(errors, "ended_on", ended_on)
    if ended_on is not None and ended_on < started_on:
        errors.add("ended_on", "The date the term ended must be on or after the date it started.")
    user = None
    if account_email.strip():
        user = account_for_email(account_email)
        if user is None:
            errors.add("account_email", NO_ACCOUNT)
    errors.raise_if_any()
    seat = member or BoardMember(organisation=organisation)
    seat.name = name
    seat.role = role
    seat.represents = represents.strip()[:200]
    seat.started_on = started_on
    seat.ended_on = ended_on
    seat.user = user
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if (
            role == BoardRole.CHAIR
            and ended_on is None
            and BoardMember.objects.filter(
                organisation=organisation, role=BoardRole.CHAIR, ended_on__isnull=True
            )
            .exclude(pk=seat.pk)
            .exists()
        ):
            raise RuleViolation(ONE_CHAIR, rule="one_chair")
        try:
            with transaction.atomic():
                seat.save()
        except IntegrityError:  # two requests at once: the index keeps one chair
            raise RuleViolation(ONE_CHAIR, rule="one_chair") from None
        event_record(
            actor=actor,
            subject=seat,
            verb="board.member_changed" if member else "board.member_added",
            summary=f"{seat.name}, {seat.get_role_display()} of the board",
        )
    return seat


# Targets -----------------------------------------------------------------------------------------


def targets_set(
    *,
    actor: User,
    organisation: Organisation,
    year: AcademicYear,
    sles_to_designate: int,
    schools_to_support: int,
    days_of_support: Decimal,
) -> YearTargets:
    """The board's targets for the year, replacing any set before. Rules: whole numbers of SLEs
    and schools, days in days and half days, none negative and none past a sensible ceiling."""
    _check_allowed(actor, organisation)
    errors = FieldErrors()
    if not 0 <= sles_to_designate <= MAX_SLES:
        errors.add("sles_to_designate", f"Enter a number of SLEs from 0 to {MAX_SLES}.")
    if not 0 <= schools_to_support <= MAX_SCHOOLS:
        errors.add("schools_to_support", f"Enter a number of schools from 0 to {MAX_SCHOOLS}.")
    if not days_of_support.is_finite() or not 0 <= days_of_support <= MAX_DAYS:
        errors.add("days_of_support", f"Enter a number of days from 0 to {MAX_DAYS:,}.")
    elif (days_of_support * 2) % 1:
        errors.add("days_of_support", "Enter the days in whole and half days, like 40 or 40.5.")
    errors.raise_if_any()
    with transaction.atomic():
        targets, _created = YearTargets.objects.update_or_create(
            organisation=organisation,
            academic_year=year.label,
            defaults={
                "sles_to_designate": sles_to_designate,
                "schools_to_support": schools_to_support,
                "days_of_support": days_of_support,
                "updated_by": actor,
            },
        )
        event_record(
            actor=actor,
            subject=targets,
            verb="board.targets_set",
            summary=f"Targets for {year.label}: {sles_to_designate} SLEs, {schools_to_support} "
            f"schools, {days_of_support} days",
        )
    return targets


# Action plan -------------------------------------------------------------------------------------


def action_save(
    *,
    actor: User,
    organisation: Organisation,
    year: AcademicYear,
    action: str,
    owner: str,
    due_on: dt.date,
    status: str = ActionStatus.NOT_STARTED,
    done_on: dt.date | None = None,
    item: ActionItem | None = None,
) -> ActionItem:
    """Add a line to the year's action plan, or change one (``item``). Rules: a done action has
    the date it was done (not in the future), an action not done has none."""
    _check_allowed(actor, organisation)
    if item is not None and item.organisation_id != organisation.pk:
        raise NotAllowed(MAY_NOT_CHANGE)
    errors = FieldErrors()
    action = _check_text(errors, "action", action, "action", TEXT_MAX_LENGTH)
    owner = _check_text(errors, "owner", owner, "owner", 200)
    _check_date(errors, "due_on", due_on)
    if status not in ActionStatus.values:
        errors.add("status", "Choose where the action stands.")
    if status == ActionStatus.DONE:
        if done_on is None:
            errors.add("done_on", "Enter the date the action was done.")
        elif done_on > timezone.localdate():
            errors.add("done_on", "The date the action was done cannot be in the future.")
        else:
            _check_date(errors, "done_on", done_on)
    else:
        done_on = None
    errors.raise_if_any()
    saved = item or ActionItem(organisation=organisation, created_by=actor)
    was = item.status if item else None
    saved.academic_year = year.label if item is None else saved.academic_year
    saved.action = action
    saved.owner = owner
    saved.due_on = due_on
    saved.status = status
    saved.done_on = done_on
    with transaction.atomic():
        saved.save()
        verb = "board.action_added" if item is None else "board.action_changed"
        if item is not None and was != ActionStatus.DONE and status == ActionStatus.DONE:
            verb = "board.action_done"
        event_record(actor=actor, subject=saved, verb=verb, summary=action[:200])
    return saved


# Budget ------------------------------------------------------------------------------------------


def budget_line_save(
    *,
    actor: User,
    organisation: Organisation,
    year: AcademicYear,
    heading: str,
    planned: Decimal,
    actual: Decimal,
    notes: str = "",
    line: BudgetLine | None = None,
) -> BudgetLine:
    """Add a heading to the year's budget, or change one (``line``). Rules: amounts follow
    docs/money.md (pounds and pence, never negative) up to £1,000,000.00 a line; a heading
    appears once a year (whatever its capitals)."""
    _check_allowed(actor, organisation)
    if line is not None and line.organisation_id != organisation.pk:
        raise NotAllowed(MAY_NOT_CHANGE)
    errors = FieldErrors()
    heading = _check_text(errors, "heading", heading, "budget heading", 200)
    for name, amount in (("planned", planned), ("actual", actual)):
        problem = money_problem(amount, maximum=BUDGET_LINE_MAX)
        if problem:
            errors.add(name, problem)
    notes = notes.strip()
    if len(notes) > TEXT_MAX_LENGTH:
        errors.add("notes", f"The notes must be {TEXT_MAX_LENGTH} characters or fewer.")
    label = line.academic_year if line is not None else year.label
    same_heading = BudgetLine.objects.filter(
        organisation=organisation, academic_year=label, heading__iexact=heading
    )
    if line is not None:
        same_heading = same_heading.exclude(pk=line.pk)
    if heading and same_heading.exists():
        errors.add("heading", f"The {label} budget already has a line called “{heading}”.")
    errors.raise_if_any()
    saved = line or BudgetLine(organisation=organisation, academic_year=label)
    saved.heading = heading
    saved.planned = money(planned)
    saved.actual = money(actual)
    saved.notes = notes
    with transaction.atomic():
        try:
            with transaction.atomic():
                saved.save()
        except IntegrityError:
            raise RuleViolation(
                f"The {label} budget already has a line called “{heading}”.", rule="heading_once"
            ) from None
        event_record(
            actor=actor,
            subject=saved,
            verb="board.budget_line_added" if line is None else "board.budget_line_changed",
            summary=f"{heading}: planned {pounds(saved.planned)}, spent {pounds(saved.actual)}",
        )
    return saved


# Removing ----------------------------------------------------------------------------------------


def action_remove(*, actor: User, item: ActionItem) -> None:
    """Take an action out of the plan (one entered by mistake); the organisation's timeline keeps
    what it was."""
    _check_allowed(actor, item.organisation)
    with transaction.atomic():
        event_record(
            actor=actor,
            subject=item.organisation,
            verb="board.action_removed",
            summary=f"Action removed from the {item.academic_year} plan: {item.action[:200]}",
        )
        item.delete()


def budget_line_remove(*, actor: User, line: BudgetLine) -> None:
    """Take a line out of the budget; the organisation's timeline keeps what it was."""
    _check_allowed(actor, line.organisation)
    with transaction.atomic():
        event_record(
            actor=actor,
            subject=line.organisation,
            verb="board.budget_line_removed",
            summary=f"Budget line removed from {line.academic_year}: {line.heading}, planned "
            f"{pounds(line.planned)}, spent {pounds(line.actual)}",
        )
        line.delete()
