"""What requests and brokering ask of each person on the home page (docs/ux.md "Home page by role"):
requests waiting for a shortlist, approaches with no answer after 3 school days and requests
waiting for the school's choice (coordinators); approaches to answer (leaders); the school's
request status and the leaders to choose from (headteachers); requests on the LA route (SIPs).
``syslead.core.home.HOME_SOURCES`` names these sources.

Each source first reads whether the person has any brokering work (one query) and stops there
when there is none.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.urls import reverse

from syslead.accounts.access import (
    coordinated_organisation_ids,
    headteacher_school_urns,
    organisation_ids_for,
)
from syslead.accounts.models import Role, User
from syslead.brokering.eligibility import days_text
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    RequestStatus,
    Route,
    SupportRequest,
)
from syslead.brokering.no_account import schools_without_head
from syslead.brokering.selectors import UNMET_STATUSES
from syslead.brokering.services.first_meetings import (
    Overdue,
    first_meeting_due_by,
    first_meetings_overdue_for_coordinator,
    first_meetings_overdue_for_leader,
)
from syslead.brokering.web_selectors import (
    approaches_without_answer,
    commissions_to_decide,
    has_expired,
    requests_in_status,
    school_days_waiting,
)
from syslead.casework.chasing import chased_text
from syslead.core.home import AttentionItem, Block, Link, Section

#: Beyond this many requests of one kind, the home page links to the filtered list instead.
ITEMS_EACH = 5
SECTION_ROWS = 10


def _detail(support_request: SupportRequest) -> str:
    return reverse("brokering:detail", args=[support_request.pk])


def _list(status: str) -> str:
    return f"{reverse('brokering:list')}?status={status}"


def _requests_items(
    requests: list[SupportRequest], one: str, many: str, status: str
) -> Iterable[AttentionItem]:
    if len(requests) > ITEMS_EACH:
        yield AttentionItem(many.format(n=len(requests)), _list(status))
        return
    for support_request in requests:
        yield AttentionItem(
            one.format(school=support_request.school.name),
            _detail(support_request),
            f"{days_text(support_request.days_requested)}, asked "
            f"{support_request.created_at:%-d %b %Y}",
        )


def coordinator_requests(user: User) -> Iterable[Block]:
    """Requests to shortlist, approaches with no answer after 3 school days, requests waiting for
    the school's choice, leaders other organisations ask to share; then the caseload by status."""
    org_ids = coordinated_organisation_ids(user)
    counts = dict(
        SupportRequest.objects.filter(organisation_id__in=org_ids)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    if counts.get(RequestStatus.OPEN):
        yield from _requests_items(
            list(requests_in_status(org_ids, [RequestStatus.OPEN])),
            "Make a shortlist for {school}",
            "{n} requests waiting for a shortlist",
            RequestStatus.OPEN,
        )
    if counts.get(RequestStatus.APPROACHING):
        for approach in approaches_without_answer(org_ids):
            days = school_days_waiting(approach)
            chased = chased_text("approach", approach)
            if has_expired(approach):
                yield AttentionItem(
                    f"No answer from {approach.leader.user.get_full_name()} about "
                    f"{approach.support_request.school.name} after {days} school days: "
                    "the approach has expired",
                    _detail(approach.support_request) + "#approaches",
                    "Withdraw it and ask the next leader in one step."
                    + (f" {chased}." if chased else ""),
                )
                continue
            yield AttentionItem(
                f"No answer from {approach.leader.user.get_full_name()} about "
                f"{approach.support_request.school.name} after {days} school days",
                _detail(approach.support_request) + "#approaches",
                chased,
            )
    if counts.get(RequestStatus.AWAITING_CHOICE):
        waiting_choice = list(requests_in_status(org_ids, [RequestStatus.AWAITING_CHOICE]))
        headless = schools_without_head(r.school_id for r in waiting_choice)
        # Waiting on someone without an account says so (docs/rules.md, "Requests").
        for item in waiting_choice:
            if item.school_id not in headless:
                continue
            yield AttentionItem(
                f"Request {item.pk} is waiting on the headteacher of {item.school.name}, who has "
                "no account",
                _detail(item) + "#no-account",
                "Invite them"
                + (
                    ", or record their choice on their behalf."
                    if item.route == Route.LOCAL_AUTHORITY
                    else " so they can choose a leader."
                ),
            )
        yield from _requests_items(
            waiting_choice,
            "Waiting for {school} to choose a leader",
            "{n} requests waiting for the school's choice",
            RequestStatus.AWAITING_CHOICE,
        )
    if counts.get(RequestStatus.MATCHED):
        yield from _first_meetings_overdue(first_meetings_overdue_for_coordinator(user), True)
    for commission in commissions_to_decide(user):
        yield AttentionItem(
            f"{commission.support_request.organisation.name} asks to share "
            f"{commission.leader.user.get_full_name()}",
            reverse("brokering:commission", args=[commission.pk]),
            f"For {commission.support_request.school.name}",
        )
    if not counts:
        return
    yield Section(
        title="Requests for support",
        template="brokering/home/caseload.html",
        context={
            "rows": [
                (label, counts[value], _list(value))
                for value, label in RequestStatus.choices
                if counts.get(value)
            ],
            "waiting": sum(counts.get(s, 0) for s in UNMET_STATUSES),
        },
        links=(
            Link("All requests", reverse("brokering:list")),
            Link("Batch allocation", reverse("brokering:allocation")),
            Link("Unmet demand", reverse("brokering:unmet_demand")),
            Link("Direct approaches", reverse("brokering:direct_approaches")),
            Link("How shortlists are scored", reverse("brokering:weights")),
        ),
    )


def _first_meetings_overdue(rows: list[Overdue], coordinator: bool) -> Iterable[AttentionItem]:
    """First meetings not held within 10 school days of the choice (docs/rules.md, "The first
    meeting"), each with its action."""
    for row in rows:
        item = row.support_request
        meeting = row.meeting
        if meeting is None or meeting.contacted_on is None:
            where = "no first contact recorded"
            action = "record the first contact"
        elif meeting.meeting_on is None:
            where = f"first contact on {meeting.contacted_on:%-d %b %Y}, no meeting scheduled"
            action = "schedule the meeting"
        else:
            where = f"meeting scheduled for {meeting.meeting_on:%-d %b %Y}, not recorded as held"
            action = "record it held"
        leader = item.chosen_leader.user.get_full_name() if item.chosen_leader else "The leader"
        if coordinator:
            text = (
                f"{leader}'s first meeting with {item.school.name} not held within 10 school "
                "days of the choice"
            )
            chased = chased_text("first_meeting", item)
            detail = (
                f"Due by {row.due_by:%-d %b %Y}; {where}. Chase {leader}, or {action} on their "
                "behalf." + (f" {chased}." if chased else "")
            )
        else:
            text = (
                f"Your first meeting with {item.school.name} was due within 10 school days of "
                "the choice"
            )
            detail = f"Due by {row.due_by:%-d %b %Y}; {where}: {action}."
        yield AttentionItem(text, reverse("brokering:first_meeting", args=[item.pk]), detail)


def system_leader_first_meetings(user: User) -> Iterable[Block]:
    """Requests that chose this leader: the first meeting to arrange, or overdue."""
    overdue = first_meetings_overdue_for_leader(user)
    yield from _first_meetings_overdue(overdue, False)
    late = {row.support_request.pk for row in overdue}
    waiting = (
        SupportRequest.objects.filter(chosen_leader__user=user, status=RequestStatus.MATCHED)
        .exclude(pk__in=late)
        .exclude(first_meetings__held_on__isnull=False)
        .select_related("school")
        .order_by("chosen_at", "id")
    )
    for item in waiting:
        due = first_meeting_due_by(item)
        yield AttentionItem(
            f"Contact the headteacher of {item.school.name} and arrange your first meeting",
            reverse("brokering:first_meeting", args=[item.pk]),
            f"Due by {due:%-d %b %Y}." if due else "",
        )


def system_leader_approaches(user: User) -> Iterable[Block]:
    """Approaches to answer, each a link to the answer page."""
    for approach in (
        Approach.objects.filter(leader__user=user, status=ApproachStatus.PENDING)
        .select_related("support_request__school", "support_request__organisation")
        .order_by("sent_at", "id")
    ):
        yield AttentionItem(
            f"Could you support {approach.support_request.school.name}? Answer "
            f"{approach.support_request.organisation.name}'s approach",
            reverse("brokering:approach", args=[approach.pk]),
            f"{days_text(approach.support_request.days_requested)} in "
            f"{approach.support_request.academic_year}",
        )


def headteacher_requests(user: User) -> Iterable[Block]:
    """The school's requests and where each stands; the leaders to choose from."""
    requests = list(
        SupportRequest.objects.filter(school_id__in=headteacher_school_urns(user))
        .select_related("school", "organisation", "chosen_leader__user")
        .order_by("-created_at", "-id")[:SECTION_ROWS]
    )
    for support_request in requests:
        if support_request.status == RequestStatus.AWAITING_CHOICE:
            yield AttentionItem(
                f"Choose your system leader for {support_request.school.name}",
                reverse("brokering:choose", args=[support_request.pk]),
                "Compare the leaders who agreed and choose one.",
            )
    yield Section(
        title="My school's requests for support",
        template="brokering/home/requests.html",
        context={"rows": [(r, _detail(r)) for r in requests]},
        links=(Link("Ask for support", reverse("brokering:new_school")),),
    )


def sip_requests(user: User) -> Iterable[Block]:
    """Requests on the local authority route of the SIP's organisations."""
    requests = list(
        SupportRequest.objects.filter(
            organisation_id__in=organisation_ids_for(user, [Role.SIP]),
            route=Route.LOCAL_AUTHORITY,
        )
        .select_related("school", "organisation", "chosen_leader__user")
        .order_by("-created_at", "-id")[:SECTION_ROWS]
    )
    yield Section(
        title="Requests on the local authority route",
        template="brokering/home/requests.html",
        context={"rows": [(r, _detail(r)) for r in requests]},
        links=(
            Link("Schools that could benefit", reverse("brokering:schools_that_could_benefit")),
            Link("Identify a school", reverse("brokering:new_la")),
        ),
    )
