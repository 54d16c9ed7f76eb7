"""Words and tags of the requests pages: status tags in colour, days in words."""

from __future__ import annotations

from decimal import Decimal

from django import template

from syslead.brokering.eligibility import days_text, words
from syslead.brokering.models import AllocationRunStatus, ApproachStatus, CommissionStatus
from syslead.brokering.models import RequestStatus as Status

register = template.Library()

_REQUEST_TAGS = {
    Status.OPEN: "tag",
    Status.SHORTLISTED: "tag",
    Status.APPROACHING: "tag tag--amber",
    Status.AWAITING_CHOICE: "tag tag--amber",
    Status.MATCHED: "tag tag--green",
    Status.AGREED: "tag tag--green",
    Status.WAITING_LIST: "tag tag--red",
    Status.WITHDRAWN: "tag tag--grey",
    Status.CLOSED: "tag tag--grey",
}
_APPROACH_TAGS = {
    ApproachStatus.PENDING: "tag tag--amber",
    ApproachStatus.ACCEPTED: "tag tag--green",
    ApproachStatus.DECLINED: "tag tag--red",
    ApproachStatus.WITHDRAWN: "tag tag--grey",
    ApproachStatus.CHOSEN: "tag tag--green",
    ApproachStatus.NOT_CHOSEN: "tag tag--grey",
}
_COMMISSION_TAGS = {
    CommissionStatus.PROPOSED: "tag tag--amber",
    CommissionStatus.APPROVED: "tag tag--green",
    CommissionStatus.REFUSED: "tag tag--red",
}
_RUN_TAGS = {
    AllocationRunStatus.QUEUED: "tag tag--grey",
    AllocationRunStatus.RUNNING: "tag tag--amber",
    AllocationRunStatus.READY: "tag",
    AllocationRunStatus.APPROVED: "tag tag--green",
    AllocationRunStatus.FAILED: "tag tag--red",
}


@register.filter
def request_tag(status: str) -> str:
    return _REQUEST_TAGS.get(status, "tag")  # type: ignore[call-overload]


@register.filter
def approach_tag(status: str) -> str:
    return _APPROACH_TAGS.get(status, "tag")  # type: ignore[call-overload]


@register.filter
def commission_tag(status: str) -> str:
    return _COMMISSION_TAGS.get(status, "tag")  # type: ignore[call-overload]


@register.filter
def run_tag(status: str) -> str:
    return _RUN_TAGS.get(status, "tag")  # type: ignore[call-overload]


@register.filter
def in_days(value: Decimal | int | float | str | None) -> str:
    """5 → "5 days", 7.5 → "7.5 days", 1 → "1 day"."""
    if value is None or value == "":
        return ""
    return days_text(Decimal(str(value)))


@register.filter
def in_words(codes: list[str], labels: dict[str, str] | None = None) -> str:
    """["maths", "send"] → "Maths and SEND" (with the labels given), else the codes in words."""
    if labels:
        return words(labels.get(code, code) for code in codes)
    return words(codes)


_METHODS = {
    # The first two name the methods of runs made before one solver replaced them.
    "min_cost_flow": "Min-cost flow",
    "cp_sat": "CP-SAT solver",
    "lp_rounding": "Linear relaxation, rounded and improved",
    "greedy": "Greedy",
}
_SOLVER_STATUSES = {"optimal": "proven optimal", "feasible": "the best found in the time allowed"}


@register.filter
def method_words(method: str) -> str:
    return _METHODS.get(method, method.replace("_", " ").capitalize() if method else "—")


@register.filter
def solver_status_words(status: str) -> str:
    return _SOLVER_STATUSES.get(status, status)


@register.filter
def get_label(labels: dict[str, str], code: str) -> str:
    """A specialism's label from the labels given, else the code in words."""
    return labels.get(code) or code.replace("_", " ").capitalize()
