"""Reading the rows of an import: every problem with a row's own cells, in words naming the
column, and a service's refusal as one line of a report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email

from syslead.capacity.days import parse_days
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.imports.files import LEADER_COLUMNS
from syslead.leaders.models import DesignationType
from syslead.leaders.services._helpers import check_phases
from syslead.organisations.models import Organisation


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass
class LeaderRow:
    """One row, read and checked on its own."""

    line: int
    email: str = ""
    name: str = ""
    home_school: int = 0
    job_title: str = ""
    designation: str = ""
    designated_on: dt.date | None = None
    specialisms: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    release_days: Decimal | None = None
    academic_year: AcademicYear | None = None
    problems: list[str] = field(default_factory=list)


def header_problem(header: Sequence[str]) -> str:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    missing = [c for c in LEADER_COLUMNS if c not in names]
    extra = [n or "(blank)" for n in names if n not in LEADER_COLUMNS]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not expected " + ", ".join(extra))
    if repeated:
        parts.append("repeated " + ", ".join(repeated))
    if not parts:
        return ""
    return (
        "The header row must name exactly the columns "
        + ", ".join(LEADER_COLUMNS)
        + ": "
        + "; ".join(parts)
        + "."
    )


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def read_leader_row(
    line: int, cells: dict[str, str], types: dict[str, DesignationType]
) -> LeaderRow:
    """Every problem with the row's own cells, each in words naming its column."""
    row = LeaderRow(line=line)
    problems = row.problems
    row.email = cells["email"].strip().lower()
    try:
        validate_email(row.email)
        if len(row.email) > 254:
            problems.append("email: the e-mail address is longer than 254 characters")
    except ValidationError:
        problems.append(
            "email: enter an e-mail address like name@school.org.uk"
            if row.email
            else "email: the e-mail address is missing"
        )
    first, last = " ".join(cells["first_name"].split()), " ".join(cells["last_name"].split())
    if not first:
        problems.append("first_name: the first name is missing")
    if not last:
        problems.append("last_name: the last name is missing")
    row.name = f"{first} {last}".strip()
    if len(row.name) > 150:
        problems.append("first_name, last_name: the name is longer than 150 characters")
    urn = cells["home_school"].strip()
    if not urn:
        problems.append("home_school: the home school's URN is missing")
    elif not urn.isdigit() or len(urn) > 9:
        problems.append(f"home_school: '{urn}' is not a URN (a school's 6-digit number)")
    else:
        row.home_school = int(urn)
    row.job_title = " ".join(cells["job_title"].split())
    if not row.job_title:
        problems.append("job_title: the job title is missing")
    elif len(row.job_title) > 150:
        problems.append("job_title: the job title is longer than 150 characters")
    row.designation = cells["designation"].strip()
    designated_on = cells["designated_on"].strip()
    if row.designation:
        if row.designation.upper() not in types:
            problems.append(
                f"designation: '{row.designation}' is not a designation type: use "
                + ", ".join(sorted(types))
                + ", or leave it empty"
            )
        if not designated_on:
            problems.append("designated_on: give the date of designation, like 2025-09-01")
        else:
            row.designated_on = _date(designated_on)
            if row.designated_on is None:
                problems.append(
                    f"designated_on: '{designated_on}' is not a date: write it like 2025-09-01"
                )
    elif designated_on:
        problems.append("designated_on: must be empty when there is no designation")
    errors = FieldErrors()
    row.specialisms = _split(cells["specialisms"])
    row.phases = check_phases(_split(cells["phases"]), errors)
    days, year = cells["release_days"].strip(), cells["academic_year"].strip()
    if bool(days) != bool(year):
        problems.append(
            "release_days, academic_year: give both the days released and the academic year, "
            "or neither"
        )
    elif days:
        try:
            row.release_days = parse_days(days)
        except ValueError as problem:
            errors.add("release_days", str(problem))
        try:
            row.academic_year = AcademicYear.parse(year)
        except ValueError:
            problems.append(
                f"academic_year: '{year}' is not an academic year: write it like 2025-26"
            )
    problems.extend(f"{name}: {lower_first(m)}" for name, ms in errors.items() for m in ms)
    return row


def lower_first(message: str) -> str:
    message = message.strip().rstrip(".")
    return message[:1].lower() + message[1:] if message[1:2].islower() else message


def refusal_reason(error: Exception) -> str:
    """A service's refusal as one line of text for the report."""
    if isinstance(error, RuleViolation):
        if error.rule == "lle_exclusive_association":
            return (
                "an LLE associated with another organisation: an LLE may be associated with only "
                "one organisation at a time"
            )
        return lower_first(error.message)
    if isinstance(error, NotAllowed):
        return lower_first(error.message)
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                (lower_first(m) if name == NON_FIELD_ERRORS else f"{name}: {lower_first(m)}")
                for name, messages in error.message_dict.items()
                for m in messages
            )
        return "; ".join(lower_first(m) for m in error.messages)
    return "this row cannot be saved: check its values"


def designation_types(organisation: Organisation) -> dict[str, DesignationType]:
    types: dict[str, DesignationType] = {}
    for designation_type in DesignationType.objects.filter(organisation__isnull=True):
        types[designation_type.code.upper()] = designation_type
    for designation_type in DesignationType.objects.filter(organisation=organisation):
        types[designation_type.code.upper()] = designation_type
    return types
