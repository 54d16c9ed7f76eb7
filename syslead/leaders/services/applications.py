"""Designation rounds with an application window, and applications moving through their stages
to designation (docs/rules.md: Designations: window, application, interview, recommendation,
confirmation)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES
from syslead.leaders.eligibility import eligibility_check, latest_ofsted
from syslead.leaders.models import (
    ApplicationDecision,
    ApplicationStage,
    Designation,
    DesignationApplication,
    DesignationRound,
    LeaderProfile,
)
from syslead.leaders.permissions import (
    is_the_leader,
    may_coordinate,
)
from syslead.leaders.services._helpers import (
    json_value,
    lock_leader,
    require_text,
)
from syslead.leaders.services.designations import designation_create
from syslead.leaders.services.pending import outcome_tell, pending_applicant_invite
from syslead.leaders.services.vocabularies import designation_type_for_code
from syslead.leaders.transitions import (
    APPLICATION_TRANSITIONS,
    application_step_to,
)
from syslead.leaders.wording import date_in_words
from syslead.organisations.models import Organisation


@transaction.atomic
def round_create(
    *,
    actor: User,
    organisation: Organisation,
    designation_type_code: str,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    target: int = 0,
    priorities: str = "",
) -> DesignationRound:
    """Open a designation round with its application window (e.g. 13 Oct – 15 Dec 2014;
    docs/rules.md: Designations): a coordinator of the designating organisation."""
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may open designation rounds.")
    errors = FieldErrors()
    title = require_text(title, "title", "Enter a title for the round.", errors)
    if opens_on and closes_on and closes_on < opens_on:
        errors.setdefault("closes_on", []).append("The window must close on or after it opens.")
    if target < 0:
        errors.setdefault("target", []).append("The target must be 0 or more.")
    try:
        designation_type = designation_type_for_code(designation_type_code, organisation)
    except ValidationError as exc:
        errors.setdefault("designation_type", []).extend(exc.message_dict["type"])
    errors.raise_if_any()
    designation_round = DesignationRound(
        organisation=organisation,
        designation_type=designation_type,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        target=target,
        priorities=(priorities or "").strip(),
    )
    designation_round.full_clean()
    designation_round.save()
    event_record(
        actor=actor,
        subject=designation_round,
        verb="round.created",
        summary=f"{designation_type.code} round opened: {title}",
        data={
            "type": designation_type.code,
            "opens_on": json_value(opens_on),
            "closes_on": json_value(closes_on),
            "target": target,
        },
    )
    return designation_round


def application_eligibility(application: DesignationApplication) -> list[str]:
    """The round type's criteria the application does not meet, in words, judged on the years in
    role given and the Ofsted grade stored when it was submitted. A pending applicant is judged
    on the school and headship they gave."""
    leader = application.leader
    if leader is None:
        leader = LeaderProfile(
            home_school=application.applicant_school,
            is_headteacher=application.applicant_is_headteacher,
        )
    return eligibility_check(
        application.round.designation_type,
        leader,
        application.years_in_role,
        ofsted_rating=application.home_school_ofsted_rating,
    )


@transaction.atomic
def application_submit(
    *,
    actor: User,
    round: DesignationRound,
    leader: LeaderProfile,
    years_in_role: int,
    field_of_expertise: str,
    evidence: str,
) -> DesignationApplication:
    """Apply for designation, only while the round's window is open (opening and closing days
    included): the leader, or a coordinator of the round's organisation for them. The home school's
    latest Ofsted grade is looked up from the register and stored as evidence; unmet criteria are
    reported (``application_eligibility``), not refused."""
    if not (is_the_leader(actor, leader) or may_coordinate(actor, round.organisation)):
        raise NotAllowed("Only the leader, or the round's coordinator, may submit an application.")
    errors = FieldErrors()
    years = years_in_role
    if years < 0:
        errors["years_in_role"] = ["Give the years in role: 0 or more."]
    expertise = require_text(
        field_of_expertise, "field_of_expertise", "Enter the field of expertise.", errors
    )
    text = require_text(
        evidence, "evidence", "Give evidence of impact against the criteria.", errors
    )
    errors.raise_if_any()
    today = timezone.localdate()
    if not round.opens_on <= today <= round.closes_on:
        raise RuleViolation(
            f"Applications to {round.title} are open from {date_in_words(round.opens_on)} to "
            f"{date_in_words(round.closes_on)}; today is outside that window.",
            rule="round_closed",
        )
    lock_leader(leader)
    if DesignationApplication.objects.filter(round=round, leader=leader).exists():
        raise RuleViolation(
            f"{leader.name} has already applied to {round.title}.", rule="already_applied"
        )
    if Designation.objects.filter(
        leader=leader, type=round.designation_type, status__in=LIVE_DESIGNATION_STATUSES
    ).exists():
        raise RuleViolation(
            f"{leader.name} already holds the {round.designation_type.code} designation.",
            rule="already_designated",
        )
    rating, inspected_on = latest_ofsted(leader.home_school)
    application = DesignationApplication(
        round=round,
        leader=leader,
        years_in_role=years,
        field_of_expertise=expertise,
        evidence=text,
        home_school_ofsted_rating=rating,
        home_school_ofsted_on=inspected_on,
    )
    application.full_clean(validate_constraints=False)
    application.save()
    warnings = application_eligibility(application)
    event_record(
        actor=actor,
        subject=application,
        verb="application.submitted",
        summary=f"{leader.name} applied to {round.title}",
        data={
            "round": round.pk,
            "years_in_role": years,
            "home_school_ofsted_rating": rating,
            "home_school_ofsted_on": json_value(inspected_on),
            "unmet_criteria": warnings,
        },
    )
    return application


def allowed_next_stages(stage: str) -> list[str]:
    """Where an application at ``stage`` may go next, whoever asks (the table's targets)."""
    return [
        str(row.target)
        for row in APPLICATION_TRANSITIONS
        if stage in row.sources and row.target is not None
    ]


@transaction.atomic
def application_advance(
    *,
    actor: User,
    application: DesignationApplication,
    to_stage: str,
    reason: str = "",
    feedback: str = "",
    designated_on: dt.date | None = None,
    site_url: str = "",
) -> DesignationApplication:
    """Move an application on: submitted → shortlisted → interviewed → recommended → designated,
    or from any non-final stage to rejected (a reason is required) or withdrawn (the applicant may
    withdraw). A coordinator of the round's organisation decides; each move is recorded with who,
    when and why. Designating creates the designation (``designation_create``).

    The outcome (designated or not designated) is sent to the applicant, in-app and by e-mail,
    with the panel's ``feedback``: required when not designating, optional when designating. A
    pending applicant (no account yet) is e-mailed; designating them sends an invitation as a
    system leader instead, and the designation is made when they accept it
    (``pending_application_attach``)."""
    application = (
        DesignationApplication.objects.select_for_update(of=("self",))
        .select_related("round__organisation", "round__designation_type", "leader__user")
        .get(pk=application.pk)
    )
    designation_round = application.round
    try:
        target = ApplicationStage(to_stage)
    except ValueError:
        raise field_error("to_stage", f"'{to_stage}' is not a stage of an application.") from None
    step = application_step_to(target)
    assert step is not None  # every stage but the first is some step's target
    APPLICATION_TRANSITIONS.require_permitted(
        step,
        actor,
        application,
        f"Only coordinators of {designation_round.organisation.name} may decide applications.",
    )
    text = (reason or "").strip()
    said = (feedback or "").strip()
    if target == ApplicationStage.REJECTED and not said:
        raise field_error(
            "feedback",
            "Give the panel's feedback to the applicant on why they were not designated.",
        )
    if len(said) > TEXT_MAX_LENGTH:
        raise field_error("feedback", f"Keep it to {TEXT_MAX_LENGTH} characters or fewer.")
    if len(text) > TEXT_MAX_LENGTH:
        raise field_error("reason", f"Keep it to {TEXT_MAX_LENGTH} characters or fewer.")
    APPLICATION_TRANSITIONS.require_source(
        step,
        application,
        f"An application that is {application.get_stage_display().lower()} cannot move to "
        f"{target.label.lower()}.",
    )
    from_stage = application.stage
    ApplicationDecision.objects.create(
        application=application,
        from_stage=from_stage,
        to_stage=target,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=text,
        feedback=said,
    )
    APPLICATION_TRANSITIONS.apply(
        step,
        application,
        actor=actor,
        summary=f"Application {from_stage} → {target}",
        data={"from": from_stage, "to": str(target), "reason": text, "feedback": said},
    )
    on = designated_on or timezone.localdate()
    if target == ApplicationStage.DESIGNATED and application.leader is not None:
        designation_create(
            actor=actor,
            leader=application.leader,
            type_code=designation_round.designation_type.code,
            designated_on=on,
            organisation=designation_round.organisation,
            application=application,
        )
    elif target == ApplicationStage.DESIGNATED:
        pending_applicant_invite(
            actor=actor, application=application, designated_on=on, site_url=site_url
        )
    if target in (ApplicationStage.DESIGNATED, ApplicationStage.REJECTED):
        outcome_tell(application, feedback=said)
    return application
