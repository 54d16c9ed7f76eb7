"""Requests and brokering: support requests, the explainable shortlist, approaches, the school's
choice, sharing leaders between brokers, and batch allocation. Every endpoint calls the same
services and selectors as the web pages (``syslead.brokering``).

Access: the brokering area's one rule (``syslead.brokering.access``) resolves every request,
commission and leader named: 404 when not visible, then the service's permission check (403),
then business rules (409/422). A request is visible to administrators; coordinators and broker
leads of its organisation; its SIPs on the local authority route; its school's headteacher;
leaders approached for it; and coordinators of an organisation its owner asked to share a leader.
Only coordinators and broker leads of the request's organisation (and administrators) may read
the shortlist: the others get 403.
"""

from __future__ import annotations

import datetime as dt
import json
from json.encoder import encode_basestring_ascii
from typing import Annotated, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from syslead.api.auth import request_user
from syslead.api.errors import UnprocessableError
from syslead.api.schemas import (
    AUTH_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    AcademicYearLabel,
    Code,
    Codes,
    Days,
    Id,
    Ids,
    Text,
    Urn,
    max_length_of,
)
from syslead.brokering import services
from syslead.brokering.access import (
    commission_for_user,
    leader_for_request,
    request_timeline_for,
)
from syslead.brokering.matching import (
    DEFAULT_SHORTLIST_LENGTH,
    Candidate,
    Shortlist,
    shortlist,
)
from syslead.brokering.models import (
    AllocationRun,
    Approach,
    Commission,
    LaCriterion,
    Route,
    SupportRequest,
)
from syslead.brokering.selectors import (
    allocation_run_for_user,
    can_read_organisation_brokering,
    can_read_shortlist,
    draft_matches,
    support_request_for_user,
    support_requests_for_user,
    unmet_demand,
)
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed
from syslead.core.gc_pause import cyclic_gc_paused
from syslead.organisations.models import Organisation

router = Router(tags=["Requests and brokering"])

MAX_SHORTLIST_LIMIT = 100
ACTION_ERRORS: dict[int, Any] = WRITE_ERRORS


# --- Shapes ------------------------------------------------------------------------------------


class SupportRequestIn(Schema):
    school: Urn = Field(description="The school's URN.", examples=[120001])
    organisation: Id = Field(description="The broker's id.", examples=[1])
    route: Code = Field(description="school or local_authority.", examples=["school"])
    needs: Codes = Field(description="Specialism codes.", examples=[["maths", "english"]])
    days_requested: Days = Field(description="Whole or half days.", examples=[5])
    summary: Text = Field(examples=["Maths leadership in Key Stage 2."])
    academic_year: AcademicYearLabel | None = Field(
        None, description='e.g. "2025-26"; the current year when left out or null.'
    )
    context: Text = ""
    preferred_timing: str = Field("", max_length=max_length_of(SupportRequest, "preferred_timing"))
    key_areas: Text = Field("", description="Local authority route: the key areas agreed.")
    la_criteria: Codes | None = Field(
        None,
        description=(
            "Local authority route: why the school was identified ("
            + ", ".join(LaCriterion.values)
            + "). Left out on that route, the request records sip_or_head_identified: the LA "
            "team or SIP raising it is identifying it."
        ),
    )
    chair_of_governors_agreed: bool = Field(
        False, description="School route: the chair of governors agrees."
    )


class SupportRequestOut(Schema):
    id: int
    status: str
    school: int
    organisation: int
    route: str
    needs: list[str]
    days_requested: float
    summary: str
    academic_year: str
    phase: str
    context: str
    preferred_timing: str
    key_areas: str
    la_criteria: list[str]
    chair_of_governors_agreed: bool
    chosen_leader: int | None
    created_at: dt.datetime

    @staticmethod
    def from_model(item: SupportRequest) -> SupportRequestOut:
        return SupportRequestOut(
            id=item.pk,
            status=item.status,
            school=item.school_id,
            organisation=item.organisation_id,
            route=item.route,
            needs=list(item.needs),
            days_requested=float(item.days_requested),
            summary=item.summary,
            academic_year=item.academic_year,
            phase=item.phase,
            context=item.context,
            preferred_timing=item.preferred_timing,
            key_areas=item.key_areas,
            la_criteria=list(item.la_criteria),
            chair_of_governors_agreed=item.chair_of_governors_agreed,
            chosen_leader=item.chosen_leader_id,
            created_at=item.created_at,
        )


class CandidateOut(Schema):
    leader: int = Field(description="The leader's id.")
    leader_name: str
    score: float = Field(description="0–100.")
    distance_km: float | None = Field(
        description="Straight line from the leader's home school to the requesting school."
    )
    remaining_days: float
    reasons: list[str] = Field(description="The score explained, one sentence per factor.")

    @staticmethod
    def from_candidate(candidate: Candidate) -> CandidateOut:
        distance = candidate.distance_shown
        return CandidateOut(
            leader=candidate.leader_id,
            leader_name=candidate.leader_name,
            score=float(candidate.score_shown),
            distance_km=None if distance is None else float(distance),
            remaining_days=float(candidate.remaining_days),
            reasons=list(candidate.reasons),
        )


class ExcludedOut(Schema):
    leader: int
    leader_name: str
    reasons: list[str] = Field(description="Every hard rule the leader fails, in words.")
    rules: list[str] = Field(description="The same rules as codes.")


class ShortlistOut(Schema):
    candidates: list[CandidateOut]
    excluded: list[ExcludedOut]


class EventOut(Schema):
    at: dt.datetime
    verb: str
    summary: str
    actor: int | None


class ApproachIn(Schema):
    leader: Id
    message: Text = ""


class ApproachOut(Schema):
    id: int
    support_request: int
    leader: int
    status: str
    decline_reason: str

    @staticmethod
    def from_model(approach: Approach) -> ApproachOut:
        return ApproachOut(
            id=approach.pk,
            support_request=approach.support_request_id,
            leader=approach.leader_id,
            status=approach.status,
            decline_reason=approach.decline_reason,
        )


class ApproachAnswerIn(Schema):
    accept: bool
    reason: Text = ""


class ShortlistIn(Schema):
    """The optional body of saving a shortlist: why it has fewer than three leaders."""

    reason: Text = ""


def _optional_shortlist_reason(request: HttpRequest) -> str:
    """``reason`` from an optional JSON body (none, or not sent as JSON: no reason), checked
    against ``ShortlistIn``'s bounded types: 400 for a body that is not a JSON object, 422 for a
    reason that is not text or is too long."""
    if request.content_type != "application/json" or not request.body.strip():
        return ""
    try:
        data = json.loads(request.body)
    except ValueError:
        raise HttpError(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise HttpError(400, "The request body must be a JSON object.")
    try:
        payload = ShortlistIn.model_validate(data)
    except PydanticValidationError as invalid:
        errors = [{**e, "loc": ("body", "payload", *e["loc"])} for e in invalid.errors()]
        raise NinjaValidationError(errors) from None
    return payload.reason


class ChoiceIn(Schema):
    leader: Id


class ShortlistEntryOut(Schema):
    rank: int
    leader: int
    score: float
    distance_km: float | None
    reasons: list[str]


class CommissionIn(Schema):
    leader: Id
    note: Text = ""


class CommissionDecisionIn(Schema):
    approve: bool
    note: Text = ""


class CommissionOut(Schema):
    id: int
    support_request: int
    leader: int
    owning_organisation: int
    status: str
    note: str

    @staticmethod
    def from_model(commission: Commission) -> CommissionOut:
        return CommissionOut(
            id=commission.pk,
            support_request=commission.support_request_id,
            leader=commission.leader_id,
            owning_organisation=commission.owning_organisation_id,
            status=commission.status,
            note=commission.note,
        )


class AllocationRunIn(Schema):
    academic_year: AcademicYearLabel | None = None
    support_requests: Ids | None = Field(
        None, description="Allocate only these requests (else every open one of the year)."
    )


class DraftMatchOut(Schema):
    id: int
    support_request: int
    leader: int | None
    score: float
    approved: bool
    edited: bool


class AllocationRunOut(Schema):
    id: int
    organisation: int
    academic_year: str
    status: str
    method: str
    solver_status: str
    total_score: float
    greedy_score: float
    upper_bound: float | None
    requests_considered: int
    matched: int
    greedy_matched: int
    error: str
    matches: list[DraftMatchOut]

    @staticmethod
    def from_model(run: AllocationRun) -> AllocationRunOut:
        return AllocationRunOut(
            id=run.pk,
            organisation=run.organisation_id,
            academic_year=run.academic_year,
            status=run.status,
            method=run.method,
            solver_status=run.solver_status,
            total_score=float(run.total_score),
            greedy_score=float(run.greedy_score),
            upper_bound=None if run.upper_bound is None else float(run.upper_bound),
            requests_considered=run.requests_considered,
            matched=run.matched_count,
            greedy_matched=run.greedy_matched_count,
            error=run.error,
            matches=[
                DraftMatchOut(
                    id=m.pk,
                    support_request=m.support_request_id,
                    leader=m.leader_id,
                    score=float(m.score),
                    approved=m.approved,
                    edited=m.edited,
                )
                for m in draft_matches(run)
            ],
        )


class DemandRowOut(Schema):
    specialism: str
    phase: str
    area: str
    requests: int
    declined: int
    days: float
    leaders: int
    leaders_in_area: int
    remaining_days: float
    remaining_days_in_area: float
    gap_days: float
    priority: str


# --- Helpers ---------------------------------------------------------------------------------


def _organisation_for_broker(request: HttpRequest, organisation_id: Id) -> Organisation:
    """The organisation if the caller coordinates or leads it; 404 otherwise."""
    user = request_user(request)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not can_read_organisation_brokering(user, organisation.pk):
        raise Http404("No such organisation.")
    return organisation


# --- Requests ------------------------------------------------------------------------------------


@router.post(
    "/support-requests",
    response={201: SupportRequestOut, **WRITE_ERRORS},
    summary="Ask for support (coordinator or SIP of the organisation; a headteacher for their "
    "own school)",
)
def create_support_request(
    request: HttpRequest, payload: SupportRequestIn
) -> Status[SupportRequestOut]:
    criteria = payload.la_criteria
    if criteria is None:
        criteria = (
            [LaCriterion.SIP_OR_HEAD_IDENTIFIED] if payload.route == Route.LOCAL_AUTHORITY else []
        )
    created = services.request_create(
        actor=request_user(request),
        school_urn=payload.school,
        organisation=payload.organisation,
        route=payload.route,
        needs=payload.needs,
        days_requested=payload.days_requested,
        summary=payload.summary,
        academic_year=AcademicYear.parse(payload.academic_year) if payload.academic_year else None,
        context=payload.context,
        preferred_timing=payload.preferred_timing,
        key_areas=payload.key_areas,
        la_criteria=criteria,
        chair_of_governors_agreed=payload.chair_of_governors_agreed,
    )
    return Status(201, SupportRequestOut.from_model(created))


@router.get(
    "/support-requests",
    response={200: list[SupportRequestOut], **AUTH_ERRORS},
    summary="The requests you may see, newest first",
)
def list_support_requests(
    request: HttpRequest, status: Code | None = None, organisation: Id | None = None
) -> list[SupportRequestOut]:
    queryset = support_requests_for_user(request_user(request))
    if status:
        queryset = queryset.filter(status=status)
    if organisation is not None:
        queryset = queryset.filter(organisation_id=organisation)
    return [SupportRequestOut.from_model(item) for item in queryset[:500]]


@router.get(
    "/support-requests/{int:request_id}",
    response={200: SupportRequestOut, **READ_ERRORS},
    summary="One request",
)
def get_support_request(request: HttpRequest, request_id: Id) -> SupportRequestOut:
    return SupportRequestOut.from_model(support_request_for_user(request_user(request), request_id))


@router.get(
    "/support-requests/{int:request_id}/timeline",
    response={200: list[EventOut], **READ_ERRORS},
    summary="Every step of the request, oldest first",
)
def get_timeline(request: HttpRequest, request_id: Id) -> list[EventOut]:
    item = support_request_for_user(request_user(request), request_id)
    return [
        EventOut(at=e.created_at, verb=e.verb, summary=e.summary, actor=e.actor_id)
        for e in request_timeline_for(request_user(request), item)
    ]


@router.get(
    "/support-requests/{int:request_id}/shortlist",
    response={200: ShortlistOut, **READ_ERRORS},
    summary="The best leaders for the request, and every other leader considered with why they "
    "were excluded (coordinators and broker leads of the request's organisation)",
)
def get_shortlist(
    request: HttpRequest,
    request_id: Id,
    limit: Annotated[int, Query(ge=1, le=MAX_SHORTLIST_LIMIT)] = DEFAULT_SHORTLIST_LENGTH,
) -> HttpResponse:
    user = request_user(request)
    item = support_request_for_user(user, request_id)
    if not 1 <= limit <= MAX_SHORTLIST_LIMIT:
        raise UnprocessableError({"limit": [f"Ask for 1 to {MAX_SHORTLIST_LIMIT} leaders."]})
    if not can_read_shortlist(user, item):
        raise NotAllowed(
            f"Only coordinators and broker leads of {item.organisation.name} may read the "
            "shortlist."
        )
    # Thousands of leaders in, thousands of small objects out: see ``cyclic_gc_paused``.
    with cyclic_gc_paused():
        return _shortlist_response(shortlist(item, limit=limit))


def _shortlist_response(result: Shortlist) -> HttpResponse:
    """The shortlist in ShortlistOut's shape, written straight to JSON: a large organisation
    excludes thousands of leaders, and validating each against the schema again costs more than
    the matching. Each leader's ``{"leader": …, "leader_name": …`` is written once per table (kept
    with it while the facts are unchanged, ``syslead.brokering.facts_memo``), and the reasons and
    rules once per way of failing (leaders excluded alike share one failures tuple)."""
    candidates = json.dumps(
        [CandidateOut.from_candidate(c).dict() for c in result.candidates], cls=DjangoJSONEncoder
    )
    return HttpResponse(
        f'{{"candidates": {candidates}, "excluded": [{_excluded_json(result)}]}}',
        content_type="application/json",
    )


def _excluded_json(result: Shortlist) -> str:
    """The excluded leaders as JSON objects, comma-separated."""
    found = result.excluded_rows()
    if found is None:
        return ", ".join(
            json.dumps(
                {
                    "leader": e.leader_id,
                    "leader_name": e.leader_name,
                    "reasons": list(e.reasons),
                    "rules": list(e.rules),
                }
            )
            for e in result.excluded
        )
    table, rows, failures = found
    heads = table.derived.get(_EXCLUDED_HEADS)
    if heads is None:
        # What json.dumps writes for {"leader": id, "leader_name": name}, less its "}".
        heads = table.derived[_EXCLUDED_HEADS] = [
            f'{{"leader": {int(x.id)}, "leader_name": {encode_basestring_ascii(x.name)}'
            for x in table.leaders
        ]
    # Each way of failing once: written on an earlier call of the same table, or now.
    written: dict[tuple[Any, ...], str] = table.derived.setdefault(_EXCLUDED_TAILS, {})
    if len(written) > _MAX_TAILS:
        written.clear()
    tails = {}
    for failing in {id(failing): failing for failing in failures}.values():
        tail = written.get(failing)
        if tail is None:
            tail = written[failing] = (
                f', "reasons": {json.dumps([f.message for f in failing])}, '
                f'"rules": {json.dumps([str(f.rule) for f in failing])}}}'
            )
        tails[id(failing)] = tail
    return ", ".join(
        [heads[i] + tails[id(failing)] for i, failing in zip(rows, failures, strict=True)]
    )


#: The keys, in ``LeaderTable.derived``, of the excluded leaders' JSON heads (one per row) and of
#: the reasons and rules written for each way of failing (at most ``_MAX_TAILS`` kept).
_EXCLUDED_HEADS = "api.shortlist.excluded_heads"
_EXCLUDED_TAILS = "api.shortlist.excluded_tails"
_MAX_TAILS = 4096


@router.post(
    "/support-requests/{int:request_id}/shortlist",
    response={201: list[ShortlistEntryOut], **ACTION_ERRORS},
    summary="Keep the best three as the request's shortlist (a coordinator)",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ShortlistIn.model_json_schema()}},
        }
    },
)
def save_shortlist(request: HttpRequest, request_id: Id) -> Status[list[ShortlistEntryOut]]:
    """The body is optional: ``{reason}`` says why the shortlist has fewer than three leaders
    (required then)."""
    user = request_user(request)
    item = support_request_for_user(user, request_id)
    reason = _optional_shortlist_reason(request)
    entries = services.shortlist_save(actor=user, request=item, reason=reason)
    return Status(
        201,
        [
            ShortlistEntryOut(
                rank=e.rank,
                leader=e.leader_id,
                score=float(e.score),
                distance_km=None if e.distance_km is None else float(e.distance_km),
                reasons=list(e.reasons),
            )
            for e in entries
        ],
    )


@router.post(
    "/support-requests/{int:request_id}/approaches",
    response={201: ApproachOut, **ACTION_ERRORS},
    summary="Ask a shortlisted leader for provisional agreement (a coordinator)",
)
def send_approach(request: HttpRequest, request_id: Id, payload: ApproachIn) -> Status[ApproachOut]:
    user = request_user(request)
    item = support_request_for_user(user, request_id)
    approach = services.approach_send(
        actor=user,
        request=item,
        leader=leader_for_request(user, item, payload.leader),
        message=payload.message,
    )
    return Status(201, ApproachOut.from_model(approach))


@router.post(
    "/approaches/{int:approach_id}/answer",
    response={200: ApproachOut, **ACTION_ERRORS},
    summary="Agree provisionally or decline with a reason (the leader approached)",
)
def answer_approach(
    request: HttpRequest, approach_id: Id, payload: ApproachAnswerIn
) -> ApproachOut:
    user = request_user(request)
    approach = Approach.objects.filter(pk=approach_id).first()
    if approach is None:
        raise Http404("No such approach.")
    support_request_for_user(user, approach.support_request_id)
    answered = services.approach_respond(
        actor=user, approach=approach, accept=payload.accept, reason=payload.reason
    )
    return ApproachOut.from_model(answered)


@router.post(
    "/support-requests/{int:request_id}/choice",
    response={200: SupportRequestOut, **ACTION_ERRORS},
    summary="Choose one of the leaders who agreed (the school's headteacher; on the LA route a "
    "coordinator may record it on the head's behalf)",
)
def choose_leader(request: HttpRequest, request_id: Id, payload: ChoiceIn) -> SupportRequestOut:
    user = request_user(request)
    item = support_request_for_user(user, request_id)
    chosen = services.request_choose(
        actor=user, request=item, leader=leader_for_request(user, item, payload.leader)
    )
    return SupportRequestOut.from_model(chosen)


@router.post(
    "/support-requests/{int:request_id}/commissions",
    response={201: CommissionOut, **ACTION_ERRORS},
    summary="Propose a leader of another organisation for this request",
)
def offer_commission(
    request: HttpRequest, request_id: Id, payload: CommissionIn
) -> Status[CommissionOut]:
    user = request_user(request)
    item = support_request_for_user(user, request_id)
    leader = leader_for_request(user, item, payload.leader)
    commission = services.commission_offer(
        actor=user, request=item, leader=leader, note=payload.note
    )
    return Status(201, CommissionOut.from_model(commission))


@router.post(
    "/commissions/{int:commission_id}/decision",
    response={200: CommissionOut, **ACTION_ERRORS},
    summary="Agree or refuse to share a leader (a coordinator of the leader's organisation)",
)
def decide_commission(
    request: HttpRequest, commission_id: Id, payload: CommissionDecisionIn
) -> CommissionOut:
    user = request_user(request)
    commission = commission_for_user(user, commission_id)
    decided = services.commission_decide(
        actor=user, commission=commission, approve=payload.approve, note=payload.note
    )
    return CommissionOut.from_model(decided)


# --- Batch allocation and demand -----------------------------------------------------------------


@router.post(
    "/organisations/{int:organisation_id}/allocation-runs",
    response={202: AllocationRunOut, **ACTION_ERRORS},
    summary="Start a batch allocation of the organisation's open requests (a coordinator); it "
    "runs in the background: read it back for its status",
)
def start_allocation(
    request: HttpRequest, organisation_id: Id, payload: AllocationRunIn
) -> Status[AllocationRunOut]:
    user = request_user(request)
    organisation = _organisation_for_broker(request, organisation_id)
    run = services.allocation_start(
        actor=user,
        organisation=organisation,
        academic_year=AcademicYear.parse(payload.academic_year) if payload.academic_year else None,
        request_ids=payload.support_requests,
    )
    return Status(202, AllocationRunOut.from_model(run))


@router.get(
    "/allocation-runs/{int:run_id}",
    response={200: AllocationRunOut, **READ_ERRORS},
    summary="An allocation run: status, totals against greedy, draft matches",
)
def get_allocation(request: HttpRequest, run_id: Id) -> AllocationRunOut:
    return AllocationRunOut.from_model(allocation_run_for_user(request_user(request), run_id))


@router.post(
    "/allocation-runs/{int:run_id}/approve",
    response={200: AllocationRunOut, **ACTION_ERRORS},
    summary="Approve the draft matches: each matched leader is approached, the rest go on the "
    "waiting list (a coordinator)",
)
def approve_allocation(request: HttpRequest, run_id: Id) -> AllocationRunOut:
    user = request_user(request)
    run = allocation_run_for_user(user, run_id)
    services.allocation_approve(actor=user, run=run)
    run.refresh_from_db()
    return AllocationRunOut.from_model(run)


@router.get(
    "/organisations/{int:organisation_id}/unmet-demand",
    response={200: list[DemandRowOut], **READ_ERRORS},
    summary="Unmet or declined demand by specialism, phase and area against leader supply, "
    "largest gap first (coordinators and broker leads)",
)
def get_unmet_demand(
    request: HttpRequest, organisation_id: Id, academic_year: AcademicYearLabel | None = None
) -> list[DemandRowOut]:
    organisation = _organisation_for_broker(request, organisation_id)
    year = AcademicYear.current().label
    if academic_year:
        try:
            year = AcademicYear.parse(academic_year).label
        except ValueError as error:
            raise UnprocessableError({"academic_year": [str(error)]}) from error
    return [
        DemandRowOut(
            specialism=row.specialism,
            phase=row.phase,
            area=row.area,
            requests=row.requests,
            declined=row.declined,
            days=float(row.days),
            leaders=row.leaders,
            leaders_in_area=row.leaders_in_area,
            remaining_days=float(row.remaining_days),
            remaining_days_in_area=float(row.remaining_days_in_area),
            gap_days=float(row.gap_days),
            priority=row.priority,
        )
        for row in unmet_demand(organisation, year)
    ]
