"""Schools: the register (DfE's Get Information about Schools), identified by URN."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from syslead.api.auth import request_user
from syslead.api.schemas import READ_ERRORS, WRITE_ERRORS, Urn, max_length_of
from syslead.schools.models import School
from syslead.schools.selectors import school_for_urn
from syslead.schools.services import school_create

router = Router(tags=["Schools"])

#: A phase or an Ofsted grade, as a code or as written ("Requires improvement").
CODE_LENGTH = 50

PHASE_HELP = (
    "nursery, primary, middle, secondary, all_through, post_16, special or alternative_provision."
)
OFSTED_HELP = (
    "The latest graded judgement as a code: outstanding, good, requires_improvement, "
    "satisfactory or inadequate (null when the school has none)."
)


class SchoolIn(Schema):
    urn: Urn = Field(examples=[100012])
    name: str = Field(max_length=max_length_of(School, "name"), examples=["Ermine Primary Academy"])
    phase: str = Field("", max_length=CODE_LENGTH, description=PHASE_HELP, examples=["primary"])
    local_authority: str = Field(
        "", max_length=max_length_of(School, "local_authority"), examples=["Lincolnshire"]
    )
    postcode: str = Field("", max_length=max_length_of(School, "postcode"), examples=["LN2 2HG"])
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False, examples=[53.2467])
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False, examples=[-0.5284])
    ofsted_rating: str | None = Field(
        None,
        max_length=CODE_LENGTH,
        description="A code (good) or the grade as Ofsted writes it (Good, Requires improvement).",
        examples=["good"],
    )


class SchoolOut(Schema):
    urn: int
    name: str
    phase: str | None = Field(description=PHASE_HELP)
    local_authority: str
    postcode: str
    latitude: float | None
    longitude: float | None
    ofsted_rating: str | None = Field(description=OFSTED_HELP)

    @staticmethod
    def from_model(school: School) -> SchoolOut:
        return SchoolOut(
            urn=school.urn,
            name=school.name,
            phase=school.phase or None,
            local_authority=school.local_authority,
            postcode=school.postcode,
            latitude=school.latitude,
            longitude=school.longitude,
            ofsted_rating=school.ofsted_rating or None,
        )


@router.get(
    "/schools/{int:urn}",
    response={200: SchoolOut, **READ_ERRORS},
    summary="Read a school by URN (anyone signed in: the register is public data)",
)
def get_school(request: HttpRequest, urn: Urn) -> SchoolOut:
    return SchoolOut.from_model(school_for_urn(urn))


@router.post(
    "/schools",
    response={201: SchoolOut, **WRITE_ERRORS},
    summary="Add a school the register does not hold yet (administrators and coordinators)",
    description="409 when the URN is already in the register; 422 for invalid fields.",
)
def create_school(request: HttpRequest, payload: SchoolIn) -> Status[SchoolOut]:
    school = school_create(
        actor=request_user(request),
        urn=payload.urn,
        name=payload.name,
        phase=payload.phase,
        local_authority=payload.local_authority,
        postcode=payload.postcode,
        latitude=payload.latitude,
        longitude=payload.longitude,
        ofsted_rating=payload.ofsted_rating or "",
    )
    return Status(201, SchoolOut.from_model(school))
