"""Deployment agreements and charging policies (docs/api.md: "Deployment agreements")."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from syslead.accounts.models import User
from syslead.api.auth import request_user
from syslead.api.schemas import (
    AUTH_ERRORS,
    LIST_MAX_ITEMS,
    READ_ERRORS,
    WRITE_ERRORS,
    AcademicYearLabel,
    Date,
    Id,
    Money,
    Sessions,
    Text,
    Texts,
    max_length_of,
)
from syslead.brokering.access import support_request_for_user
from syslead.charging.models import ChargingPolicy
from syslead.charging.selectors import can_read_charging_policy, charging_policy_for
from syslead.charging.services import charging_policy_set
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed
from syslead.core.money import money_text
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute, Signature
from syslead.deployments.selectors import (
    can_create_deployment,
    commissioner_of,
    cost_breakdown_of,
    deployment_by_id,
    deployment_for_user,
    deployments_for_user,
    next_steps_for,
    signatures_of,
)
from syslead.deployments.services import (
    DETAIL_FIELDS,
    deployment_create,
    deployment_send_for_signature,
    deployment_sign,
    deployment_sip_agree,
    deployment_sip_request_changes,
)
from syslead.leaders.selectors import leader_for_user
from syslead.organisations.models import Organisation

router = Router(tags=["Deployment agreements"])
charging_router = Router(tags=["Charging"])

MONEY = 'Pounds as a string with two decimals, e.g. "350.00".'


# Shapes ------------------------------------------------------------------------------------------


class ObjectiveIn(Schema):
    """An agreed objective and outcome with its review date, and its row of the impact table."""

    text: Text
    outcome: Text = ""
    review_on: Date | None = None
    baseline: Text = Field("", description="Baseline measure.")
    actions: Text = Field("", description="Actions to be carried out.")
    improvement: Text = Field("", description="Improvement to be made.")
    impact: Text = ""


class ObjectiveOut(Schema):
    position: int
    text: str
    outcome: str
    review_on: dt.date | None
    baseline: str
    actions: str
    improvement: str
    impact: str


class DeploymentIn(Schema):
    support_request: Id = Field(description="The support request's id.")
    leader: Id | None = Field(
        None, description="The leader's id (the request's chosen leader when left out)."
    )
    starts_on: Date
    ends_on: Date = Field(description="Intended end date, as a guide.")
    full_days: Sessions = 0
    half_days: Sessions = 0
    twilight_sessions: Sessions = Field(0, description="Charged and counted as half days.")
    aims: Texts = Field(default_factory=list, description="Overall aims of the deployment.")
    objectives: list[ObjectiveIn | Text] = Field(
        default_factory=list,
        max_length=LIST_MAX_ITEMS,
        description="Agreed objectives: texts, or objects with the impact table's columns.",
    )
    capacity_override_reason: Text | None = Field(
        None,
        description="A coordinator's reason to pass the capacity rule (recorded); nothing else.",
    )
    length_justification: Text = Field(
        "", description="Why the agreement is shorter than a term or longer than six terms."
    )
    funding_route: FundingRoute | None = Field(
        None, description="Defaults from the request's route: school or local_authority."
    )
    intervals: str = Field(
        "",
        max_length=max_length_of(Deployment, "intervals"),
        description="Frequency, e.g. one day a fortnight.",
    )
    times_in_school: str = Field("", max_length=max_length_of(Deployment, "times_in_school"))
    purpose: Text = ""
    staff_involved: Text = ""
    evaluation_strategy: Text = ""
    monitoring_arrangements: Text = ""
    exit_arrangements: Text = ""
    commissioner_name: str = Field("", max_length=max_length_of(Deployment, "commissioner_name"))
    funding_notes: Text = ""
    leader_contact: str = Field("", max_length=max_length_of(Deployment, "leader_contact"))
    client_contact_name: str = Field(
        "", max_length=max_length_of(Deployment, "client_contact_name")
    )
    client_contact_role: str = Field(
        "", max_length=max_length_of(Deployment, "client_contact_role")
    )
    client_contact_details: str = Field(
        "", max_length=max_length_of(Deployment, "client_contact_details")
    )
    managed_by_name: str = Field("", max_length=max_length_of(Deployment, "managed_by_name"))
    managed_by_email: str = Field("", max_length=max_length_of(Deployment, "managed_by_email"))
    send_for_signature: bool = Field(
        True,
        description="Added in 1.2. True (the default, as in 1.0): the agreement waits for the "
        "signatures at once. False: it is made as a `draft`, which the school's SIP agrees first "
        "on the local authority route and a coordinator sends with "
        "`POST /deployments/{id}/send-for-signature`.",
    )
    sip_not_asked_reason: Text | None = Field(
        None,
        description="Added in 1.2. When sending at once on the local authority route with a SIP: "
        "why it goes without the SIP's agreement (recorded; a standard reason when omitted).",
    )


class SendIn(Schema):
    sip_not_asked_reason: Text = Field(
        "",
        description="On the local authority route, when the school's SIP has not agreed: why it "
        "is sent without their agreement (409 `sip_agreement_needed` without it).",
    )


class SipDecisionIn(StrEnum):
    AGREE = "agree"
    CHANGES = "changes"


class SipAnswerIn(Schema):
    decision: SipDecisionIn = Field(description="`agree`, or `changes` (with `comments`).")
    comments: Text = Field("", description="Required when asking for changes.")


class CostLineOut(Schema):
    key: str
    label: str
    amount: str = Field(description=MONEY)
    explanation: str


class CostOut(Schema):
    total: str = Field(description="Rate × sessions. " + MONEY)
    payable_by_school: str = Field(description="What the supported school pays. " + MONEY)
    to_home_school: str = Field(description="Total − to_broker, to the leader's school. " + MONEY)
    to_broker: str = Field(description="Broker fee × sessions. " + MONEY)
    payable_by_commissioner: str = Field(
        description="What the local authority, broker or other commissioner funds. " + MONEY
    )
    funding_route: FundingRoute
    commissioner: str
    full_day_rate: str
    half_day_rate: str
    full_day_broker_fee: str
    half_day_broker_fee: str
    lines: list[CostLineOut] = Field(description="Who pays whom on this route, in words.")
    collected_by: str = Field(
        "home_school",
        description="Added: who invoices the supported school: `home_school` (the leader's "
        "school) or `broker` (the alliance collects and pays the leader's school its share).",
    )
    bespoke_reason: str = Field(
        "",
        description="Added: why the agreement has a bespoke price (empty: the policy's rates).",
    )


class SignaturesOut(Schema):
    leader: dt.date | None
    home_headteacher: dt.date | None
    client_headteacher: dt.date | None
    broker_lead: dt.date | None


class DeploymentOut(Schema):
    id: int
    status: DeploymentStatus
    support_request: int
    leader: int
    organisation: int
    client_school: int = Field(description="URN.")
    home_school: int = Field(description="URN.")
    version: int
    previous_version: int | None
    replaces: int | None
    package: int | None
    is_lead: bool
    starts_on: dt.date
    ends_on: dt.date
    academic_year: str
    full_days: int
    half_days: int
    twilight_sessions: int
    days: float = Field(description="A full day 1, a half day or twilight 0.5.")
    aims: list[str]
    objectives: list[ObjectiveOut]
    details: dict[str, str] = Field(description="The forms' other fields.")
    length_justification: str
    capacity_override_reason: str
    cost: CostOut
    signatures: SignaturesOut
    next_steps: list[str] = Field(description="What the caller needs to do next.")
    activated_at: dt.datetime | None
    ended_on: dt.date | None
    end_reason: str
    sent_for_signature_at: dt.datetime | None = Field(
        None, description="Added in 1.2: when it was sent for signature (null for a draft)."
    )
    sip_decision: str = Field(
        "",
        description="Added in 1.2: the SIP's answer on the local authority route: `agreed`, "
        "`changes_requested`, `not_asked` (sent without it, the reason in `sip_comments`) or "
        "empty.",
    )
    sip_comments: str = ""


class SignOut(Schema):
    id: int
    status: DeploymentStatus
    signatures: SignaturesOut


def _cost(deployment: Deployment) -> CostOut:
    return CostOut(
        total=money_text(deployment.total_cost),
        payable_by_school=money_text(deployment.payable_by_school),
        to_home_school=money_text(deployment.to_home_school),
        to_broker=money_text(deployment.to_broker),
        payable_by_commissioner=money_text(deployment.payable_by_commissioner),
        funding_route=FundingRoute(deployment.funding_route),
        commissioner=commissioner_of(deployment),
        full_day_rate=money_text(deployment.full_day_rate),
        half_day_rate=money_text(deployment.half_day_rate),
        full_day_broker_fee=money_text(deployment.full_day_broker_fee),
        half_day_broker_fee=money_text(deployment.half_day_broker_fee),
        lines=[
            CostLineOut(
                key=line.key,
                label=line.label,
                amount=money_text(line.amount),
                explanation=line.explanation,
            )
            for line in cost_breakdown_of(deployment)
        ],
        collected_by=deployment.collected_by,
        bespoke_reason=deployment.bespoke_reason,
    )


def _signatures(deployment: Deployment) -> SignaturesOut:
    return SignaturesOut(**signatures_of(deployment))


def deployment_out(deployment: Deployment, user: User) -> DeploymentOut:
    return DeploymentOut(
        id=deployment.pk,
        status=DeploymentStatus(deployment.status),
        support_request=deployment.support_request_id,
        leader=deployment.leader_id,
        organisation=deployment.organisation_id,
        client_school=deployment.client_school_id,
        home_school=deployment.home_school_id,
        version=deployment.version,
        previous_version=deployment.previous_version_id,
        replaces=deployment.replaces_id,
        package=deployment.package_id,
        is_lead=deployment.is_lead,
        starts_on=deployment.starts_on,
        ends_on=deployment.ends_on,
        academic_year=deployment.academic_year,
        full_days=deployment.full_days,
        half_days=deployment.half_days,
        twilight_sessions=deployment.twilight_sessions,
        days=float(deployment.days),
        aims=list(deployment.aims),
        objectives=[
            ObjectiveOut(
                position=o.position,
                text=o.text,
                outcome=o.outcome,
                review_on=o.review_on,
                baseline=o.baseline,
                actions=o.actions,
                improvement=o.improvement,
                impact=o.impact,
            )
            for o in deployment.objectives.all()
        ],
        details={name: getattr(deployment, name) for name in DETAIL_FIELDS},
        length_justification=deployment.length_justification,
        capacity_override_reason=deployment.capacity_override_reason,
        cost=_cost(deployment),
        signatures=_signatures(deployment),
        next_steps=next_steps_for(user, deployment),
        activated_at=deployment.activated_at,
        ended_on=deployment.ended_on,
        end_reason=deployment.end_reason,
        sent_for_signature_at=deployment.sent_for_signature_at,
        sip_decision=deployment.sip_decision,
        sip_comments=deployment.sip_comments,
    )


# Endpoints ---------------------------------------------------------------------------------------


@router.post(
    "/deployments",
    response={201: DeploymentOut, **WRITE_ERRORS},
    summary="Make a deployment agreement (coordinators of the request's organisation)",
    description=(
        "Makes the four-party agreement from a support request and a leader; it waits for the "
        "signatures of the leader, the headteachers of the leader's school and of the supported "
        "school, and the broker lead. 403 unless the caller coordinates the request's "
        "organisation; 404 for an unknown request or a leader the caller cannot see. 409 (with "
        "`rule`) when the leader fails a hard rule of the shortlist other than remaining days, "
        "has no release agreed for the year, or fails the *capacity rule*: the agreement's days "
        "(a half day or twilight 0.5) exceed the leader's remaining days in the academic year of "
        "`starts_on`; a coordinator's `capacity_override_reason` passes the capacity rule only "
        "and is recorded. 422 for invalid fields. A length under one term or over six terms "
        "without `length_justification` is accepted and flagged on the agreement's timeline for "
        "the coordinator. `cost` comes from the organisation's charging "
        "policy for the academic year of `starts_on`."
    ),
)
def create_deployment(request: HttpRequest, payload: DeploymentIn) -> Status[DeploymentOut]:
    user = request_user(request)
    support_request = support_request_for_user(user, payload.support_request)
    if not can_create_deployment(user, support_request):
        raise NotAllowed(
            f"Only a coordinator of {support_request.organisation.name} may make a deployment "
            "agreement for this request."
        )
    leader = leader_for_user(user, payload.leader) if payload.leader is not None else None
    details = {name: getattr(payload, name) for name in DETAIL_FIELDS if hasattr(payload, name)}
    deployment = deployment_create(
        actor=user,
        support_request=support_request,
        leader=leader,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        full_days=payload.full_days,
        half_days=payload.half_days,
        twilight_sessions=payload.twilight_sessions,
        aims=payload.aims,
        objectives=[
            item if isinstance(item, str) else item.model_dump() for item in payload.objectives
        ],
        funding_route=payload.funding_route.value if payload.funding_route else None,
        capacity_override_reason=payload.capacity_override_reason or "",
        length_justification=payload.length_justification,
        length_justification_required=False,
        # The contract (docs/api.md) makes objectives, the evaluation strategy and the home
        # headteacher optional; the web's draft requires them (docs/rules.md).
        parts_required=False,
        send_for_signature=payload.send_for_signature,
        sip_not_asked_reason=payload.sip_not_asked_reason or "",
        **details,
    )
    return Status(201, deployment_out(deployment_for_user(user, deployment.pk), user))


@router.post(
    "/deployments/{deployment_id}/send-for-signature",
    response={200: DeploymentOut, **WRITE_ERRORS},
    summary="Send a draft for signature (added in 1.2; coordinators of its organisation)",
    description=(
        "Asks the parties to sign and sends the invitations prepared on the draft; `status` "
        "becomes `awaiting_signatures`. 403 unless the caller coordinates the agreement's "
        "organisation; 409 `not_draft` unless it is a draft; 409 `sip_agreement_needed` on the "
        "local authority route while the school's SIP has not agreed, unless "
        "`sip_not_asked_reason` says why; 409 for a hard rule or the capacity rule, checked "
        "again."
    ),
)
def send_deployment(
    request: HttpRequest, deployment_id: Id, payload: SendIn | None = None
) -> DeploymentOut:
    user = request_user(request)
    deployment = deployment_send_for_signature(
        actor=user,
        deployment=deployment_for_user(user, deployment_id),
        sip_not_asked_reason=payload.sip_not_asked_reason if payload else "",
    )
    return deployment_out(deployment_for_user(user, deployment.pk), user)


@router.post(
    "/deployments/{deployment_id}/sip-agreement",
    response={200: DeploymentOut, **WRITE_ERRORS},
    summary="The school's SIP agrees a draft or asks for changes (added in 1.2)",
    description=(
        "On the local authority route the supported school's SIP agrees the draft before it is "
        "sent for signature (`decision: agree`), or asks for changes with `comments` "
        "(`decision: changes`; 422 `errors.comments` without them). 403 for anyone else who "
        "sees the agreement; 409 `not_draft` once it has been sent."
    ),
)
def answer_as_sip(request: HttpRequest, deployment_id: Id, payload: SipAnswerIn) -> DeploymentOut:
    user = request_user(request)
    deployment = deployment_for_user(user, deployment_id)
    if payload.decision == SipDecisionIn.AGREE:
        deployment = deployment_sip_agree(
            actor=user, deployment=deployment, comments=payload.comments
        )
    else:
        deployment = deployment_sip_request_changes(
            actor=user, deployment=deployment, comments=payload.comments
        )
    return deployment_out(deployment_for_user(user, deployment.pk), user)


@router.get(
    "/deployments",
    response={200: list[DeploymentOut], **AUTH_ERRORS},
    summary="The agreements the caller may see, newest first",
)
def list_deployments(
    request: HttpRequest,
    status: DeploymentStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeploymentOut]:
    user = request_user(request)
    queryset = deployments_for_user(user).prefetch_related(
        "objectives",
        Prefetch("signatures", queryset=Signature.objects.select_related("signed_by")),
    )
    if status is not None:
        queryset = queryset.filter(status=status.value)
    return [deployment_out(d, user) for d in queryset[:limit]]


@router.get(
    "/deployments/{deployment_id}",
    response={200: DeploymentOut, **READ_ERRORS},
    summary="One agreement (its parties, coordinators and broker leads; SIPs on the LA route)",
)
def get_deployment(request: HttpRequest, deployment_id: Id) -> DeploymentOut:
    user = request_user(request)
    return deployment_out(deployment_for_user(user, deployment_id), user)


@router.post(
    "/deployments/{deployment_id}/sign",
    response={200: SignOut, **WRITE_ERRORS},
    summary="Sign as the caller's party (no body)",
    description=(
        "Signs as the first party the caller holds that has not signed, in the order leader, "
        "home school's headteacher (the chair of governors when the leader is the head), "
        "supported school's headteacher, broker lead. 403 if the caller is none of the four; "
        "409 if that party has already signed or the agreement is not waiting for signatures. "
        "When all four have signed, eligibility and capacity are checked again and `status` "
        "becomes `active` (409 naming the rule if they fail)."
    ),
)
def sign_deployment(request: HttpRequest, deployment_id: Id) -> SignOut:
    user = request_user(request)
    deployment = deployment_sign(actor=user, deployment=deployment_by_id(deployment_id))
    fresh = deployment_by_id(deployment.pk)
    return SignOut(
        id=fresh.pk, status=DeploymentStatus(fresh.status), signatures=_signatures(fresh)
    )


# Charging policies -------------------------------------------------------------------------------


class ChargingPolicyIn(Schema):
    full_day_rate: Money = Field(examples=["350.00"])
    half_day_rate: Money = Field(examples=["150.00"], description="Also a twilight session.")
    full_day_broker_fee: Money = Field(examples=["50.00"])
    half_day_broker_fee: Money = Field(examples=["25.00"])


class ChargingPolicyOut(Schema):
    organisation: int
    academic_year: str
    full_day_rate: str = Field(description=MONEY)
    half_day_rate: str = Field(description=MONEY)
    full_day_broker_fee: str = Field(description=MONEY)
    half_day_broker_fee: str = Field(description=MONEY)
    full_day_to_home_school: str = Field(description="Rate − fee. " + MONEY)
    half_day_to_home_school: str = Field(description="Rate − fee. " + MONEY)
    is_default: bool = Field(description="True while the organisation has set none that year.")


def _policy_out(policy: ChargingPolicy) -> ChargingPolicyOut:
    return ChargingPolicyOut(
        organisation=policy.organisation_id,
        academic_year=policy.academic_year,
        full_day_rate=money_text(policy.full_day_rate),
        half_day_rate=money_text(policy.half_day_rate),
        full_day_broker_fee=money_text(policy.full_day_broker_fee),
        half_day_broker_fee=money_text(policy.half_day_broker_fee),
        full_day_to_home_school=money_text(policy.full_day_rate - policy.full_day_broker_fee),
        half_day_to_home_school=money_text(policy.half_day_rate - policy.half_day_broker_fee),
        is_default=policy.pk is None,
    )


def _organisation(organisation_id: Id) -> Organisation:
    found = Organisation.objects.filter(pk=organisation_id).first()
    if found is None:
        raise Http404("No such organisation.")
    return found


@charging_router.put(
    "/organisations/{organisation_id}/charging-policies/{academic_year}",
    response={200: ChargingPolicyOut, **WRITE_ERRORS},
    summary="Set an organisation's charging policy for a year (its broker lead or coordinators)",
    description=(
        "Rates per full day and per half day (or twilight session) and the broker's fee of each; "
        "the rest goes to the leader's school. A new organisation's policy for every year is "
        "350.00 / 150.00 / 50.00 / 25.00. 422 for a bad year label, a negative amount or a fee "
        "above its rate; 403 for anyone but the organisation's broker lead or coordinators. The "
        "values before each change are kept."
    ),
)
def set_charging_policy(
    request: HttpRequest,
    organisation_id: Id,
    academic_year: AcademicYearLabel,
    payload: ChargingPolicyIn,
) -> ChargingPolicyOut:
    organisation = _organisation(organisation_id)
    policy = charging_policy_set(
        actor=request_user(request),
        organisation=organisation,
        academic_year=AcademicYear.parse(academic_year),
        full_day_rate=payload.full_day_rate,
        half_day_rate=payload.half_day_rate,
        full_day_broker_fee=payload.full_day_broker_fee,
        half_day_broker_fee=payload.half_day_broker_fee,
    )
    return _policy_out(policy)


@charging_router.get(
    "/organisations/{organisation_id}/charging-policies/{academic_year}",
    response={200: ChargingPolicyOut, **READ_ERRORS},
    summary="An organisation's charging policy for a year (the defaults if none was set)",
)
def get_charging_policy(
    request: HttpRequest, organisation_id: Id, academic_year: AcademicYearLabel
) -> ChargingPolicyOut:
    organisation = _organisation(organisation_id)
    if not can_read_charging_policy(request_user(request), organisation):
        raise NotAllowed(
            f"Only a broker lead or coordinator of {organisation.name} may read its charging "
            "policy."
        )
    return _policy_out(charging_policy_for(organisation, AcademicYear.parse(academic_year)))
