"""Organisations: the brokers (alliances, hubs, local authorities, dioceses, trusts)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from syslead.api.auth import request_user
from syslead.api.schemas import WRITE_ERRORS, max_length_of
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.organisations.services import organisation_create

router = Router(tags=["Organisations"])


class OrganisationIn(Schema):
    name: str = Field(
        max_length=max_length_of(Organisation, "name"), examples=["KYRA Teaching School Alliance"]
    )
    kind: OrganisationKind


class OrganisationOut(Schema):
    id: int = Field(description="Opaque: send it back wherever an `organisation` is asked for.")
    name: str
    kind: OrganisationKind

    @staticmethod
    def from_model(organisation: Organisation) -> OrganisationOut:
        return OrganisationOut(
            id=organisation.pk, name=organisation.name, kind=OrganisationKind(organisation.kind)
        )


@router.post(
    "/organisations",
    response={201: OrganisationOut, **WRITE_ERRORS},
    summary="Create an organisation (administrators)",
)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[OrganisationOut]:
    organisation = organisation_create(
        actor=request_user(request), name=payload.name, kind=payload.kind.value
    )
    return Status(201, OrganisationOut.from_model(organisation))
