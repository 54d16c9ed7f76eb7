"""Invitations (the API contract, version 1.1): invite a person by e-mail with a role; an e-mail
that already has an account gets the role added instead."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from syslead.accounts.models import Role
from syslead.api.auth import request_user
from syslead.api.schemas import CODE_MAX_LENGTH, WRITE_ERRORS, Id, Urn, max_length_of
from syslead.invitations.models import Invitation
from syslead.invitations.services import invitation_send

router = Router(tags=["Invitations"])


class InvitationIn(Schema):
    email: str = Field(
        max_length=max_length_of(Invitation, "email"), examples=["cara.mills@school.example"]
    )
    name: str = Field(max_length=max_length_of(Invitation, "name"), examples=["Cara Mills"])
    role: str = Field(
        max_length=CODE_MAX_LENGTH, description="One of " + ", ".join(Role.values) + "."
    )
    organisation: Id | None = Field(
        None, description="An organisation's id: required for coordinator, broker_lead and sip."
    )
    school: Urn | None = Field(None, description="A school's URN: required for headteacher.")


class InvitationOut(Schema):
    id: int
    email: str
    status: str = Field(description='"sent" (a link was e-mailed) or "role_added".')
    expires_on: dt.date | None = Field(description="The last day the link works; null if none.")


@router.post(
    "/invitations",
    response={201: InvitationOut, **WRITE_ERRORS},
    summary="Invite a person by e-mail with a role",
    description=(
        "An administrator invites anyone; a coordinator invites people to its own organisation "
        "(coordinator, broker_lead, sip), system leaders, and headteachers of schools (403 "
        "otherwise). The e-mail holds a single-use link, valid for 14 days, to a page where the "
        "person sets a password; the account then exists with that role. An e-mail that already "
        'has an account gets the role added instead (`status: "role_added"`, no link). 422 for '
        "an unknown role, a missing or unknown organisation or school; 409 when the same "
        "invitation is already pending (resend it instead) or the person already holds the role."
    ),
)
def create_invitation(request: HttpRequest, payload: InvitationIn) -> Status[InvitationOut]:
    outcome = invitation_send(
        actor=request_user(request),
        email=payload.email,
        name=payload.name,
        role=payload.role,
        organisation_id=payload.organisation,
        school_urn=payload.school,
        site_url=request.build_absolute_uri("/").rstrip("/"),
    )
    invitation = outcome.invitation
    return Status(
        201,
        InvitationOut(
            id=invitation.pk,
            email=invitation.email,
            status=outcome.status,
            expires_on=outcome.expires_on,
        ),
    )
