"""An agreement's terms as the paper agreements ask for them (docs/rules.md: Deployment agreement),
read and checked: dates, the time commitment, aims, the objectives' impact table, the funding
route, the forms' other details, and the length guide ("no less than one term and no more than six
terms").

``clean_terms`` only parses and validates (422 naming each invalid field); the services decide
what the terms may be in the agreement's state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import FieldErrors, field_error
from syslead.deployments.costs import Sessions
from syslead.deployments.models import Deployment, FundingRoute
from syslead.deployments.rules import length_concern

#: The agreement's free-text details, as the paper agreements ask for them (docs/rules.md:
#: Deployment agreement). Each is optional.
DETAIL_FIELDS: tuple[str, ...] = (
    "intervals",
    "times_in_school",
    "purpose",
    "staff_involved",
    "evaluation_strategy",
    "monitoring_arrangements",
    "exit_arrangements",
    "commissioner_name",
    "funding_notes",
    "leader_role",
    "leader_contact",
    "home_headteacher_name",
    "client_headteacher_name",
    "client_headteacher_email",
    "client_contact_name",
    "client_contact_role",
    "client_contact_details",
    "managed_by_name",
    "managed_by_email",
    "broker_lead_name",
)
#: The columns of an objective row (the impact table: baseline → actions → improvement → impact).
OBJECTIVE_FIELDS: tuple[str, ...] = (
    "text",
    "outcome",
    "review_on",
    "baseline",
    "actions",
    "improvement",
    "impact",
)


@dataclass
class Terms:
    """An agreement's terms, read and checked (``clean_terms``)."""

    starts_on: dt.date
    ends_on: dt.date
    full_days: int
    half_days: int
    twilight_sessions: int
    aims: list[str]
    objectives: list[dict[str, Any]]
    funding_route: str
    length_justification: str = ""
    details: dict[str, str] = field(default_factory=dict)

    @property
    def sessions(self) -> Sessions:
        return Sessions(self.full_days, self.half_days, self.twilight_sessions)

    @property
    def days(self) -> Decimal:
        return self.sessions.days

    @property
    def academic_year(self) -> str:
        return AcademicYear.containing(self.starts_on).label


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _count(value: Any, name: str, errors: dict[str, list[str]]) -> int:
    if isinstance(value, bool) or value is None:
        value = 0 if value is None else value
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = ["Enter a whole number."]
        return 0
    if number != value and not isinstance(value, str):
        errors[name] = ["Enter a whole number."]
    if number < 0:
        errors[name] = ["Enter 0 or more."]
    elif number > 1000:
        errors[name] = ["Enter at most 1000."]
    return max(number, 0)


def _objectives(
    raw: Sequence[str | Mapping[str, Any]], errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    messages: list[str] = []
    for number, item in enumerate(raw, start=1):
        row: dict[str, Any] = dict.fromkeys(OBJECTIVE_FIELDS, "")
        row["review_on"] = None
        if isinstance(item, str):
            row["text"] = item.strip()
        elif isinstance(item, Mapping):
            unknown = set(item) - set(OBJECTIVE_FIELDS)
            if unknown:
                messages.append(
                    f"Objective {number}: unknown field(s) {', '.join(sorted(unknown))}."
                )
            for name in OBJECTIVE_FIELDS:
                value = item.get(name)
                if name == "review_on":
                    if value not in (None, ""):
                        review_on = _date(value)
                        if review_on is None:
                            messages.append(
                                f"Objective {number}: enter the review date as YYYY-MM-DD."
                            )
                        row["review_on"] = review_on
                elif value is not None:
                    row[name] = str(value).strip()
        else:
            messages.append(f"Objective {number}: give a text or an object with a 'text'.")
            continue
        if not row["text"]:
            if any(row[name] for name in OBJECTIVE_FIELDS if name != "text"):
                messages.append(f"Objective {number}: say what the objective is.")
            continue
        rows.append(row)
    if messages:
        errors["objectives"] = messages
    return rows


def clean_terms(
    *,
    starts_on: Any,
    ends_on: Any,
    full_days: Any,
    half_days: Any,
    twilight_sessions: Any,
    aims: Sequence[str],
    objectives: Sequence[str | Mapping[str, Any]],
    funding_route: str,
    length_justification: str,
    details: Mapping[str, Any],
) -> Terms:
    """Read and check the terms: ValidationError (422) naming each invalid field."""
    errors = FieldErrors()
    start = _date(starts_on)
    end = _date(ends_on)
    if start is None:
        errors["starts_on"] = ["Enter the agreed start date as YYYY-MM-DD."]
    if end is None:
        errors["ends_on"] = ["Enter the intended end date as YYYY-MM-DD."]
    if start is not None and end is not None and end < start:
        errors["ends_on"] = ["The intended end date must be on or after the start date."]
    full = _count(full_days, "full_days", errors)
    half = _count(half_days, "half_days", errors)
    twilight = _count(twilight_sessions, "twilight_sessions", errors)
    if not ({"full_days", "half_days", "twilight_sessions"} & set(errors)) and not (
        full or half or twilight
    ):
        errors["full_days"] = [
            "Agree the time commitment: at least one full day, half day or twilight session."
        ]
    if isinstance(aims, str):
        aims = [aims]
    clean_aims = [str(a).strip() for a in aims or [] if str(a).strip()]
    if not clean_aims:
        errors["aims"] = ["Give at least one overall aim of the deployment."]
    clean_objectives = _objectives(objectives or [], errors)
    if funding_route not in FundingRoute.values:
        errors["funding_route"] = [
            "Choose the funding route: " + ", ".join(FundingRoute.values) + "."
        ]
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agreement detail(s): {', '.join(sorted(unknown))}")
    clean_details = {name: str(value or "").strip() for name, value in details.items()}
    if funding_route == FundingRoute.OTHER and not clean_details.get("commissioner_name"):
        errors["commissioner_name"] = ["Name the commissioner who funds the days."]
    errors.raise_if_any()
    assert start is not None
    assert end is not None
    return Terms(
        starts_on=start,
        ends_on=end,
        full_days=full,
        half_days=half,
        twilight_sessions=twilight,
        aims=clean_aims,
        objectives=clean_objectives,
        funding_route=funding_route,
        length_justification=(length_justification or "").strip(),
        details=clean_details,
    )


def terms_of(deployment: Deployment) -> Terms:
    """An existing agreement's terms (to copy into a new version or a replacement)."""
    return Terms(
        starts_on=deployment.starts_on,
        ends_on=deployment.ends_on,
        full_days=deployment.full_days,
        half_days=deployment.half_days,
        twilight_sessions=deployment.twilight_sessions,
        aims=list(deployment.aims),
        objectives=[
            {name: getattr(o, name) for name in OBJECTIVE_FIELDS}
            for o in deployment.objectives.all()
        ],
        funding_route=deployment.funding_route,
        length_justification=deployment.length_justification,
        details={name: getattr(deployment, name) for name in DETAIL_FIELDS},
    )


def terms_with(terms: Terms, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``clean_terms`` keyword arguments: ``terms`` with ``changes`` applied."""
    details = dict(terms.details)
    values: dict[str, Any] = {
        "starts_on": terms.starts_on,
        "ends_on": terms.ends_on,
        "full_days": terms.full_days,
        "half_days": terms.half_days,
        "twilight_sessions": terms.twilight_sessions,
        "aims": terms.aims,
        "objectives": terms.objectives,
        "funding_route": terms.funding_route,
        "length_justification": terms.length_justification,
    }
    for name, value in changes.items():
        if name in values:
            values[name] = value
        elif name in DETAIL_FIELDS:
            details[name] = value
        else:
            raise TypeError(f"Unknown agreement term: {name}")
    values["details"] = details
    return values


def require_length_justification(terms: Terms) -> None:
    """ "As a guide, no less than one term and no more than six terms": outside that, say why."""
    concern = length_concern(terms.starts_on, terms.ends_on)
    if concern and not terms.length_justification:
        raise field_error("length_justification", concern)


#: The parts no agreement goes to the parties without (docs/rules.md, "Deployment agreement"): the
#: field, and the message naming the section of the draft that asks for it.
REQUIRED_PARTS: tuple[tuple[str, str], ...] = (
    (
        "home_headteacher_name",
        "Enter the name of the headteacher of the leader's school, in the parties section",
    ),
    ("objectives", "Enter at least one agreed objective, in the aims and objectives section"),
    ("evaluation_strategy", "Enter the evaluation strategy, in the evaluation section"),
)


def require_required_parts(terms: Terms) -> None:
    """An agreement the parties are asked to sign has at least one objective, an evaluation
    strategy and the leader's home headteacher (who signs it): 422 naming each missing part."""
    present = {
        "home_headteacher_name": bool(terms.details.get("home_headteacher_name")),
        "objectives": bool(terms.objectives),
        "evaluation_strategy": bool(terms.details.get("evaluation_strategy")),
    }
    errors = FieldErrors()
    for name, message in REQUIRED_PARTS:
        if not present[name]:
            errors.add(name, message)
    errors.raise_if_any()
