"""The end-of-support evaluation (docs/api.md: ``POST /deployments/{id}/evaluation``)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from syslead.api.auth import request_user
from syslead.api.schemas import READ_ERRORS, WRITE_ERRORS, Code, Id, Text
from syslead.evaluation.models import Evaluation, EvaluationItem
from syslead.evaluation.selectors import evaluation_of
from syslead.evaluation.services import evaluation_submit
from syslead.privacy.audit import read_record
from syslead.privacy.models import ReadKind
from syslead.visits.access import deployment_records_for_user

router = Router(tags=["Evaluation"])

ITEMS = ", ".join(EvaluationItem.values)


class EvaluationIn(Schema):
    ratings: dict[Code, Code | None] = Field(
        default_factory=dict,
        max_length=len(EvaluationItem.values),
        description=f"Each of {ITEMS} rated red, amber or green.",
        examples=[dict.fromkeys(EvaluationItem.values, "green")],
    )
    comments: dict[Code, Text | None] = Field(
        default_factory=dict,
        max_length=len(EvaluationItem.values),
        description="Comments and evidence, keyed by the same items.",
    )
    future_priorities: Text = ""
    future_support_requested: Text = ""


class EvaluationOut(Schema):
    id: int
    deployment: int
    ratings: dict[str, str]
    comments: dict[str, str]
    future_priorities: str
    future_support_requested: str
    submitted_on: dt.date

    @staticmethod
    def from_model(evaluation: Evaluation) -> EvaluationOut:
        rows = list(evaluation.ratings.all())
        return EvaluationOut(
            id=evaluation.pk,
            deployment=evaluation.deployment_id,
            ratings={r.item: r.rating for r in rows},
            comments={r.item: r.comment for r in rows},
            future_priorities=evaluation.future_priorities,
            future_support_requested=evaluation.future_support_requested,
            submitted_on=evaluation.submitted_at.date(),
        )


@router.post(
    "/deployments/{int:deployment_id}/evaluation",
    response={201: EvaluationOut, **WRITE_ERRORS},
    summary="Give the end-of-support evaluation (the supported school's headteacher)",
    description=(
        f"Once per agreement, while it is active or completed (409 otherwise, or when it has "
        f"been evaluated). `ratings` must rate each of {ITEMS} red, amber or green (422 with "
        "`errors.ratings` otherwise); `comments` is keyed by the same items."
    ),
)
def create_evaluation(
    request: HttpRequest, deployment_id: Id, payload: EvaluationIn
) -> Status[EvaluationOut]:
    user = request_user(request)
    deployment, _ = deployment_records_for_user(user, deployment_id)
    evaluation = evaluation_submit(
        actor=user,
        deployment=deployment,
        ratings=payload.ratings,
        comments=payload.comments,
        future_priorities=payload.future_priorities,
        future_support_requested=payload.future_support_requested,
    )
    return Status(201, EvaluationOut.from_model(evaluation))


@router.get(
    "/deployments/{int:deployment_id}/evaluation",
    response={200: EvaluationOut, **READ_ERRORS},
    summary="Read the end-of-support evaluation (404 until it is given)",
)
def get_evaluation(request: HttpRequest, deployment_id: Id) -> EvaluationOut:
    user = request_user(request)
    deployment, _ = deployment_records_for_user(user, deployment_id)
    evaluation = evaluation_of(deployment)
    if evaluation is None:
        raise Http404("This agreement has not been evaluated yet.")
    read_record(user, ReadKind.EVALUATION, evaluation.pk, "API")
    return EvaluationOut.from_model(evaluation)
