"""Users: people and the roles they hold."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from syslead.accounts.models import Role, User
from syslead.accounts.selectors import role_assignments_of
from syslead.accounts.services import RoleSpec, user_create
from syslead.api.auth import request_user
from syslead.api.schemas import LIST_MAX_ITEMS, WRITE_ERRORS, Id, Urn, max_length_of

router = Router(tags=["Users"])


class RoleIn(Schema):
    role: Role
    organisation: Id | None = Field(
        None, description="An organisation's id: required for coordinator, broker_lead and sip."
    )
    school: Urn | None = Field(None, description="A school's URN: required for headteacher.")


class RoleOut(Schema):
    role: Role
    organisation: Id | None = Field(description="The organisation's id, or null.")
    school: int | None = Field(description="The school's URN, or null.")


class UserIn(Schema):
    email: str = Field(max_length=max_length_of(User, "email"), examples=["alice@kyra.example"])
    name: str = Field(max_length=max_length_of(User, "name"), examples=["Alice Coordinator"])
    roles: list[RoleIn] = Field(default_factory=list, max_length=LIST_MAX_ITEMS)


class UserOut(Schema):
    id: int = Field(description="Opaque: send it back wherever a `user` is asked for.")
    email: str
    name: str
    roles: list[RoleOut]

    @staticmethod
    def from_model(user: User) -> UserOut:
        return UserOut(
            id=user.pk,
            email=user.email,
            name=user.name,
            roles=[
                RoleOut(role=Role(a.role), organisation=a.organisation_id, school=a.school_id)
                for a in role_assignments_of(user)
            ],
        )


@router.post(
    "/users",
    response={201: UserOut, **WRITE_ERRORS},
    summary="Create a user with roles",
    description=(
        "Administrators create anyone. A coordinator creates people for its own organisation "
        "(coordinator, broker_lead and sip of that organisation; system_leader) and for schools "
        "(headteacher), never administrators: 403 otherwise. 409 when the e-mail address is "
        "taken; 422 when a role lacks its organisation or school, or names an unknown one. "
        "All or nothing: one refused role creates nothing."
    ),
)
def create_user(request: HttpRequest, payload: UserIn) -> Status[UserOut]:
    user = user_create(
        actor=request_user(request),
        email=payload.email,
        name=payload.name,
        roles=[
            RoleSpec(role=r.role.value, organisation_id=r.organisation, school_urn=r.school)
            for r in payload.roles
        ],
    )
    return Status(201, UserOut.from_model(user))
