"""Notes of visit (docs/api.md: ``POST /deployments/{id}/visits``, ``POST /visits/{id}/agree``),
and the rest of their life: asking for changes, signing off, reading them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from syslead.api.auth import request_user
from syslead.api.schemas import LIST_MAX_ITEMS, READ_ERRORS, WRITE_ERRORS, Date, Hours, Id, Text
from syslead.visits.access import deployment_records_for_user, visit_for_user
from syslead.visits.models import Visit
from syslead.visits.services import (
    ActionPointSpec,
    visit_agree,
    visit_record,
    visit_request_changes,
    visit_sign_off,
)

router = Router(tags=["Notes of visit"])

SessionCode = Literal["full_day", "half_day", "twilight"]


class ActionIn(Schema):
    owner: Literal["leader", "school"] = Field(description="Whose action point it is.")
    action: Text
    due_on: Date


class ActionOut(Schema):
    id: int
    owner: Literal["leader", "school"] = Field(description="Whose action point it is.")
    action: str
    due_on: dt.date
    completed_on: dt.date | None


class VisitIn(Schema):
    date: Date = Field(description="Within the agreement's start and end dates.")
    session: SessionCode = Field(description="full_day counts 1 day; half_day or twilight 0.5.")
    hours: Hours = Field(examples=[6], description="Hours in school, up to 24.")
    focus: Text = Field(examples=["Maths book scrutiny with the maths leader"])
    progress: Text = ""
    actions: list[ActionIn] = Field(default_factory=list, max_length=LIST_MAX_ITEMS)
    issues: Text = ""


class VisitCreatedOut(Schema):
    id: int
    status: str


class VisitOut(Schema):
    id: int
    deployment: int
    status: str = Field(description="awaiting_agreement, changes_requested, agreed or signed_off.")
    date: dt.date
    session: str
    hours: float
    days: float = Field(description="What the visit counts for once agreed.")
    focus: str
    progress: str
    issues: str
    actions: list[ActionOut]
    changes_comment: str

    @staticmethod
    def from_model(visit: Visit) -> VisitOut:
        return VisitOut(
            id=visit.pk,
            deployment=visit.deployment_id,
            status=visit.status,
            date=visit.date,
            session=visit.session,
            hours=float(visit.hours),
            days=float(visit.days),
            focus=visit.focus,
            progress=visit.progress,
            issues=visit.issues,
            actions=[
                ActionOut(
                    id=a.pk,
                    owner=a.owner,  # type: ignore[arg-type]
                    action=a.action,
                    due_on=a.due_on,
                    completed_on=a.completed_on,
                )
                for a in visit.action_points.all()
            ],
            changes_comment=visit.changes_comment,
        )


class StatusOut(Schema):
    id: int
    status: str


class ChangesIn(Schema):
    comment: Text = Field(description="What should change.")


@router.post(
    "/deployments/{int:deployment_id}/visits",
    response={201: VisitCreatedOut, **WRITE_ERRORS},
    summary="Record a note of visit (the deployment's leader)",
    description=(
        "Only the deployment's leader (403 for others who can see the agreement, 404 for those "
        "who cannot); only while the agreement is active (409); the date must lie within the "
        "agreement (422, `errors.date`). The note then waits for the supported school's "
        "headteacher to agree it."
    ),
)
def create_visit(
    request: HttpRequest, deployment_id: Id, payload: VisitIn
) -> Status[VisitCreatedOut]:
    user = request_user(request)
    deployment, _ = deployment_records_for_user(user, deployment_id)
    visit = visit_record(
        actor=user,
        deployment=deployment,
        date=payload.date,
        session=payload.session,
        hours=payload.hours,
        focus=payload.focus,
        progress=payload.progress,
        actions=[ActionPointSpec(a.owner, a.action, a.due_on) for a in payload.actions],
        issues=payload.issues,
    )
    return Status(201, VisitCreatedOut(id=visit.pk, status=visit.status))


@router.get(
    "/deployments/{int:deployment_id}/visits",
    response={200: list[VisitOut], **READ_ERRORS},
    summary="The agreement's notes of visit, newest first",
)
def list_visits(request: HttpRequest, deployment_id: Id) -> list[VisitOut]:
    deployment, _ = deployment_records_for_user(request_user(request), deployment_id)
    visits = deployment.visits.prefetch_related("action_points")
    return [VisitOut.from_model(visit) for visit in visits]


@router.get(
    "/visits/{int:visit_id}",
    response={200: VisitOut, **READ_ERRORS},
    summary="Read a note of visit (the parties, the broker, and on the LA route the SIP)",
)
def get_visit(request: HttpRequest, visit_id: Id) -> VisitOut:
    return VisitOut.from_model(visit_for_user(request_user(request), visit_id))


@router.post(
    "/visits/{int:visit_id}/agree",
    response={200: StatusOut, **WRITE_ERRORS},
    summary="Agree a note of visit (the supported school's headteacher)",
    description="Agreed visits count as delivered days: a full day 1, a half day or twilight "
    "0.5. 409 unless the note is waiting to be agreed.",
)
def agree_visit(request: HttpRequest, visit_id: Id) -> StatusOut:
    user = request_user(request)
    visit = visit_agree(actor=user, visit=visit_for_user(user, visit_id))
    return StatusOut(id=visit.pk, status=visit.status)


@router.post(
    "/visits/{int:visit_id}/request-changes",
    response={200: StatusOut, **WRITE_ERRORS},
    summary="Ask the leader to change a note of visit (the supported school's headteacher)",
)
def request_changes(request: HttpRequest, visit_id: Id, payload: ChangesIn) -> StatusOut:
    user = request_user(request)
    visit = visit_request_changes(
        actor=user, visit=visit_for_user(user, visit_id), comment=payload.comment
    )
    return StatusOut(id=visit.pk, status=visit.status)


@router.post(
    "/visits/{int:visit_id}/sign-off",
    response={200: StatusOut, **WRITE_ERRORS},
    summary="Sign off an agreed note of visit (the deployment's leader)",
)
def sign_off_visit(request: HttpRequest, visit_id: Id) -> StatusOut:
    user = request_user(request)
    visit = visit_sign_off(actor=user, visit=visit_for_user(user, visit_id))
    return StatusOut(id=visit.pk, status=visit.status)
