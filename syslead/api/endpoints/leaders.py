"""System leaders: profiles, designations, association, release days and the capacity ledger
(docs/api.md, "System leaders"). Every endpoint calls the services and selectors the web pages use
(``syslead.leaders``), so both give the same answers and messages.

Access: every endpoint, reads and writes alike, first resolves the leader (or the designation or
association) through the leaders area's one visibility rule (``leader_for_user``): a leader the
caller cannot see is 404, whatever organisation the body names, before any business rule runs.
Who sees a leader: administrators; the leader; the home school's headteacher; coordinators,
broker leads and SIPs of an organisation the leader is or was associated with, was designated by,
applied to, or that added the leader; and those of an organisation the leader is shared with.
Then the service's own permission check answers 403 to a visible leader the caller may not
change (the contract's "Who may do what"), and only then do business rules answer 409 or 422. A
coordinator never reaches a leader it cannot see by naming its own organisation in the body: such
a leader joins another organisation only with the leader's consent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from syslead.accounts.models import User
from syslead.api.auth import request_user
from syslead.api.errors import UnprocessableError
from syslead.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    AcademicYearLabel,
    Code,
    Codes,
    Date,
    Days,
    Id,
    Text,
    Urn,
    Years,
    max_length_of,
    unset,
)
from syslead.capacity.ledger import Capacity, leader_capacity
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed
from syslead.leaders import services
from syslead.leaders.models import (
    Association,
    Designation,
    LeaderProfile,
    ReleaseAgreement,
)
from syslead.leaders.permissions import may_create_leaders, may_read_capacity
from syslead.leaders.selectors import (
    association_for_user,
    designation_for_user,
    leader_for_user,
    leader_phases,
    leader_specialism_codes,
)
from syslead.organisations.models import Organisation

router = Router(tags=["System leaders"])

ACTION_ERRORS: dict[int, Any] = WRITE_ERRORS
JOB_TITLE_LENGTH = max_length_of(LeaderProfile, "job_title")


# --- Shapes ------------------------------------------------------------------------------------


class DesignationOut(Schema):
    id: int
    type: str = Field(description="SLE, LLE, NLE, NLG or an organisation's own code.")
    status: str = Field(description="active, under_review or revoked.")
    designated_on: dt.date
    organisation: int | None = Field(description="The designating organisation, or null.")
    review_on: dt.date | None
    revoked_on: dt.date | None

    @staticmethod
    def from_model(designation: Designation) -> DesignationOut:
        return DesignationOut(
            id=designation.pk,
            type=designation.type.code,
            status=designation.status,
            designated_on=designation.designated_on,
            organisation=designation.organisation_id,
            review_on=designation.review_on,
            revoked_on=designation.revoked_on,
        )


class AssociationOut(Schema):
    id: int
    organisation: int
    starts_on: dt.date
    ends_on: dt.date | None
    exclusive: bool = Field(description="The leader's one association as an LLE.")
    automatic: bool = Field(description="Made by designation.")
    notice_given_on: dt.date | None = Field(description="Date of the written notice of ending.")

    @staticmethod
    def from_model(association: Association) -> AssociationOut:
        return AssociationOut(
            id=association.pk,
            organisation=association.organisation_id,
            starts_on=association.starts_on,
            ends_on=association.ends_on,
            exclusive=association.exclusive,
            automatic=association.automatic,
            notice_given_on=association.notice_given_on,
        )


class LeaderIn(Schema):
    user: Id = Field(description="The user's id.")
    home_school: Urn = Field(description="The home school's URN.", examples=[120002])
    job_title: str = Field(max_length=JOB_TITLE_LENGTH, examples=["Deputy headteacher"])
    specialisms: Codes = Field(default_factory=list, examples=[["maths", "send"]])
    phases: Codes = Field(default_factory=list, examples=[["primary"]])
    pen_portrait: Text = ""
    core_training_completed_on: Date | None = None
    years_experience: Years = Field(0, description="Years of experience in the role or field.")
    is_headteacher: bool = Field(False, description="The headteacher of the home school.")
    organisation: Id | None = Field(
        None,
        description="The organisation adding the leader (whose coordinators may then see and edit "
        "the profile); needed only by a coordinator of several organisations.",
    )


class LeaderPatch(Schema):
    """Only the fields sent change; none may be null but the core training date (null clears it)."""

    job_title: str = unset(max_length=JOB_TITLE_LENGTH)
    specialisms: Codes = unset()
    phases: Codes = unset()
    pen_portrait: Text = unset()
    years_experience: Years = unset()
    declared_conflicts: Text = unset()
    home_school: Urn = unset(description="A coordinator only.")
    is_headteacher: bool = unset(description="A coordinator only.")
    core_training_completed_on: Date | None = Field(None, description="A coordinator only.")


class LeaderOut(Schema):
    id: int = Field(description="Opaque: send it back wherever a `leader` is asked for.")
    user: int
    name: str
    home_school: int = Field(description="The home school's URN.")
    job_title: str
    specialisms: list[str]
    phases: list[str]
    pen_portrait: str
    core_training_completed_on: dt.date | None
    years_experience: int
    is_headteacher: bool
    designations: list[DesignationOut]
    associations: list[AssociationOut]

    @staticmethod
    def from_model(leader: LeaderProfile) -> LeaderOut:
        return LeaderOut(
            id=leader.pk,
            user=leader.user_id,
            name=leader.name,
            home_school=leader.home_school_id,
            job_title=leader.job_title,
            specialisms=leader_specialism_codes(leader),
            phases=leader_phases(leader),
            pen_portrait=leader.pen_portrait,
            core_training_completed_on=leader.core_training_completed_on,
            years_experience=leader.years_experience,
            is_headteacher=leader.is_headteacher,
            designations=[
                DesignationOut.from_model(d)
                for d in leader.designations.select_related("type").order_by("designated_on", "pk")
            ],
            associations=[
                AssociationOut.from_model(a)
                for a in leader.associations.order_by("starts_on", "pk")
            ],
        )


class DesignationIn(Schema):
    type: Code = Field(examples=["LLE"])
    designated_on: Date
    organisation: Id | None = Field(
        None, description="The designating organisation's id; null for a national designation."
    )
    review_on: Date | None = Field(None, description="Defaults to 3 years after designation.")


class RevokeIn(Schema):
    revoked_on: Date
    reason: Text


class RevokedOut(Schema):
    id: int
    type: str
    status: str
    revoked_on: dt.date | None


class AssociationIn(Schema):
    organisation: Id
    starts_on: Date


class AssociationEndIn(Schema):
    ends_on: Date
    reason: Text
    notice_given_on: Date | None = Field(
        None, description="Date of the written notice; today when left out."
    )


class ReleaseIn(Schema):
    days: Days = Field(description="Days released that year: 0 or more, whole or half days.")
    agreed_on: Date
    chair_consent_name: str = Field(
        "",
        max_length=max_length_of(ReleaseAgreement, "chair_consent_name"),
        description="The chair of governors who consented.",
    )
    chair_consent_on: Date | None = None


class ReleaseOut(Schema):
    leader: int
    academic_year: str
    days: float
    agreed_on: dt.date
    below_minimum: bool = Field(
        description="Below the minimum an associated LLE commits to (6 days by default)."
    )
    headteacher_consent_by: int | None
    headteacher_consent_at: dt.datetime | None

    @staticmethod
    def from_model(agreement: ReleaseAgreement) -> ReleaseOut:
        return ReleaseOut(
            leader=agreement.leader_id,
            academic_year=agreement.academic_year,
            days=float(agreement.days),
            agreed_on=agreement.agreed_on,
            below_minimum=agreement.below_minimum,
            headteacher_consent_by=agreement.headteacher_consent_by_id,
            headteacher_consent_at=agreement.headteacher_consent_at,
        )


class CapacityOut(Schema):
    academic_year: str
    released: float
    committed: float = Field(
        description="Days of agreements awaiting signatures or active starting in the year."
    )
    delivered: float = Field(description="Agreed visits dated in the year.")
    invoiced: float
    remaining: float = Field(description="released − committed.")

    @staticmethod
    def from_capacity(capacity: Capacity) -> CapacityOut:
        return CapacityOut(
            academic_year=capacity.academic_year,
            released=float(capacity.released),
            committed=float(capacity.committed),
            delivered=float(capacity.delivered),
            invoiced=float(capacity.invoiced),
            remaining=float(capacity.remaining),
        )


# --- Helpers -------------------------------------------------------------------------------------


def _organisation(organisation_id: int | None, field: str = "organisation") -> Organisation | None:
    """The organisation an id names, None for null; 422 on ``field`` when unknown."""
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise UnprocessableError({field: [f"No organisation with id {organisation_id}."]})
    return organisation


# --- Endpoints -----------------------------------------------------------------------------------


@router.post(
    "/leaders",
    response={201: LeaderOut, **WRITE_ERRORS},
    summary="Add a system leader (a coordinator or an administrator)",
    description=(
        "The user is given the system_leader role if missing. The coordinator's organisation may "
        "then see and edit the profile. 422 for an unknown user, home school URN, specialism or "
        "phase."
    ),
)
def create_leader(request: HttpRequest, payload: LeaderIn) -> Status[LeaderOut]:
    actor = request_user(request)
    if not may_create_leaders(actor):
        raise NotAllowed("Only coordinators and administrators may add system leaders.")
    user = User.objects.filter(pk=payload.user).first()
    organisation = _organisation(payload.organisation)
    if user is None:
        raise UnprocessableError({"user": [f"No user with id {payload.user}."]})
    leader = services.leader_create(
        actor=actor,
        user=user,
        home_school_urn=payload.home_school,
        job_title=payload.job_title,
        specialisms=payload.specialisms,
        phases=payload.phases,
        pen_portrait=payload.pen_portrait,
        core_training_completed_on=payload.core_training_completed_on,
        years_experience=payload.years_experience,
        is_headteacher=payload.is_headteacher,
        organisation=organisation,
    )
    return Status(201, LeaderOut.from_model(leader))


@router.get(
    "/leaders/{int:leader_id}",
    response={200: LeaderOut, **READ_ERRORS},
    summary="One leader, with designations and associations",
)
def get_leader(request: HttpRequest, leader_id: Id) -> LeaderOut:
    return LeaderOut.from_model(leader_for_user(request_user(request), leader_id))


@router.patch(
    "/leaders/{int:leader_id}",
    response={200: LeaderOut, **ACTION_ERRORS},
    summary="Edit a leader's profile (the leader; a coordinator of an organisation concerned)",
    description=(
        "Only the fields sent change. The home school, headteacher status and core training date "
        "are a coordinator's to change (403 for the leader)."
    ),
)
def update_leader(request: HttpRequest, leader_id: Id, payload: LeaderPatch) -> LeaderOut:
    actor = request_user(request)
    leader = leader_for_user(actor, leader_id)
    fields = payload.model_dump(exclude_unset=True)
    if "home_school" in fields:
        fields["home_school_urn"] = fields.pop("home_school")
    services.leader_update(actor=actor, leader=leader, **fields)
    return LeaderOut.from_model(leader)


@router.post(
    "/leaders/{int:leader_id}/designations",
    response={201: DesignationOut, **ACTION_ERRORS},
    summary="Designate a leader (a coordinator of the designating organisation)",
    description=(
        "Designating an LLE by an organisation associates it with that organisation unless the "
        "LLE is already associated elsewhere; other types are associated with it too. 409 "
        "(already_designated) while the leader holds a live designation of that type."
    ),
)
def create_designation(
    request: HttpRequest, leader_id: Id, payload: DesignationIn
) -> Status[DesignationOut]:
    actor = request_user(request)
    leader = leader_for_user(actor, leader_id)
    organisation = _organisation(payload.organisation)
    designation = services.designation_create(
        actor=actor,
        leader=leader,
        type_code=payload.type,
        designated_on=payload.designated_on,
        organisation=organisation,
        review_on=payload.review_on,
    )
    return Status(201, DesignationOut.from_model(designation))


@router.post(
    "/designations/{int:designation_id}/revoke",
    response={200: RevokedOut, **ACTION_ERRORS},
    summary="Revoke a designation with a reason (a coordinator of the designating organisation)",
)
def revoke_designation(request: HttpRequest, designation_id: Id, payload: RevokeIn) -> RevokedOut:
    actor = request_user(request)
    designation = services.designation_revoke(
        actor=actor,
        designation=designation_for_user(actor, designation_id),
        revoked_on=payload.revoked_on,
        reason=payload.reason,
    )
    return RevokedOut(
        id=designation.pk,
        type=designation.type.code,
        status=designation.status,
        revoked_on=designation.revoked_on,
    )


@router.post(
    "/leaders/{int:leader_id}/associations",
    response={201: AssociationOut, **ACTION_ERRORS},
    summary="Associate a leader with an organisation (a coordinator of that organisation)",
    description=(
        "409 (lle_exclusive_association) while a leader with an active LLE designation has a live "
        "association with another organisation; 409 (already_associated) when already associated "
        "with this one."
    ),
)
def create_association(
    request: HttpRequest, leader_id: Id, payload: AssociationIn
) -> Status[AssociationOut]:
    actor = request_user(request)
    leader = leader_for_user(actor, leader_id)
    organisation = _organisation(payload.organisation)
    assert organisation is not None  # the schema requires it; an unknown id is a 422 above
    association = services.association_create(
        actor=actor, leader=leader, organisation=organisation, starts_on=payload.starts_on
    )
    return Status(201, AssociationOut.from_model(association))


@router.post(
    "/associations/{int:association_id}/end",
    response={200: AssociationOut, **ACTION_ERRORS},
    summary="End an association, recording the written notice (a coordinator of the organisation)",
    description="Agreements already made are honoured: nothing else changes.",
)
def end_association(
    request: HttpRequest, association_id: Id, payload: AssociationEndIn
) -> AssociationOut:
    actor = request_user(request)
    association = services.association_end(
        actor=actor,
        association=association_for_user(actor, association_id),
        ends_on=payload.ends_on,
        reason=payload.reason,
        notice_given_on=payload.notice_given_on,
    )
    return AssociationOut.from_model(association)


@router.put(
    "/leaders/{int:leader_id}/release/{academic_year}",
    response={200: ReleaseOut, **ACTION_ERRORS},
    summary="Set the days the home school releases the leader in an academic year",
    description=(
        "The home school's headteacher (their consent is recorded) or a coordinator of an "
        "organisation the leader is associated with. 409 (release_cap) above the strictest policy "
        "cap of the leader's organisations (15 days unless an organisation set another, e.g. an "
        "LA's 20); 409 (release_below_committed) below the days already committed. Below an "
        "associated LLE's minimum (6) it is saved with below_minimum true."
    ),
)
def set_release(
    request: HttpRequest, leader_id: Id, academic_year: AcademicYearLabel, payload: ReleaseIn
) -> ReleaseOut:
    actor = request_user(request)
    agreement = services.release_set(
        actor=actor,
        leader=leader_for_user(actor, leader_id),
        academic_year=AcademicYear.parse(academic_year),
        days=payload.days,
        agreed_on=payload.agreed_on,
        chair_consent_name=payload.chair_consent_name,
        chair_consent_on=payload.chair_consent_on,
    )
    return ReleaseOut.from_model(agreement)


@router.get(
    "/leaders/{int:leader_id}/capacity/{academic_year}",
    response={200: CapacityOut, **READ_ERRORS},
    summary="The leader's capacity in an academic year, in days",
    description=(
        "The leader, their home headteacher, and coordinators and broker leads of their "
        "organisations. remaining = released − committed."
    ),
)
def get_capacity(
    request: HttpRequest, leader_id: Id, academic_year: AcademicYearLabel
) -> CapacityOut:
    actor = request_user(request)
    leader = leader_for_user(actor, leader_id)
    if not may_read_capacity(actor, leader):
        raise NotAllowed("You may not read this leader's capacity.")
    try:
        capacity = leader_capacity(leader, academic_year)
    except ValueError:
        raise UnprocessableError(
            {
                "academic_year": [
                    f"'{academic_year}' is not an academic year: write it like 2025-26."
                ]
            }
        ) from None
    return CapacityOut.from_capacity(capacity)
