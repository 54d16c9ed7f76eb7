"""Applicants not yet on Syslead, and telling every applicant the outcome (docs/rules.md:
Designations, "Applying from the broker's public page" and "The outcome and feedback").

A person without an account applies in an open round from the broker's public page: the
application keeps their name, e-mail and school (a *pending applicant*) and no account is made.
The coordinator decides it through the same stages as any other. Designating it invites the
person as a system leader (``invitation_send``); when they accept, ``pending_application_attach``
makes their leader profile, attaches the application and makes the designation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import Role
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, RuleViolation, field_error
from syslead.leaders.eligibility import latest_ofsted
from syslead.leaders.models import (
    ApplicationStage,
    DesignationApplication,
    DesignationRound,
    LeaderProfile,
)
from syslead.leaders.services._helpers import json_value, require_text
from syslead.leaders.services.designations import designation_create
from syslead.leaders.wording import date_in_words
from syslead.notifications.inbox import notify
from syslead.notifications.services import email_enqueue
from syslead.schools.models import School

OUTCOME_EMAIL_TEMPLATE = "leaders/email/application_outcome"


def open_rounds(organisation_id: int, today: dt.date | None = None) -> list[DesignationRound]:
    """The organisation's rounds open for applications today (opening and closing days included),
    closing soonest first."""
    today = today or timezone.localdate()
    return list(
        DesignationRound.objects.filter(
            organisation_id=organisation_id, opens_on__lte=today, closes_on__gte=today
        )
        .select_related("designation_type")
        .order_by("closes_on", "pk")
    )


def school_find(value: str) -> School:
    """The school a pending applicant names: by URN (digits) or by its exact name, among the
    schools Syslead holds. A ``ValidationError`` on ``school`` says what is wrong."""
    text = " ".join((value or "").split())
    if not text:
        raise field_error("school", "Enter your school's URN or name.")
    if text.isdigit():
        school = School.objects.filter(urn=int(text)).first() if len(text) <= 9 else None
        if school is None:
            raise field_error("school", f"There is no school with URN {text}.")
        return school
    matches = list(School.objects.filter(name__iexact=text)[:2])
    if not matches:
        raise field_error(
            "school", f"There is no school called {text}. Check the name, or give its URN."
        )
    if len(matches) > 1:
        raise field_error("school", f"More than one school is called {text}: give its URN instead.")
    return matches[0]


@transaction.atomic
def public_application_submit(
    *,
    round: DesignationRound,
    name: str,
    email: str,
    school: str,
    job_title: str,
    is_headteacher: bool,
    years_in_role: int,
    field_of_expertise: str,
    evidence: str,
) -> DesignationApplication:
    """Apply in an open round without an account: anyone, from the broker's public page. One
    application per e-mail address per round (a database constraint); no account is made. The
    school's latest Ofsted grade is stored as evidence, as for any application."""
    today = timezone.localdate()
    if not round.opens_on <= today <= round.closes_on:
        raise RuleViolation(
            f"Applications to {round.title} are open from {date_in_words(round.opens_on)} to "
            f"{date_in_words(round.closes_on)}; this round is not taking applications now.",
            rule="round_closed",
        )
    errors = FieldErrors()
    name = require_text(" ".join((name or "").split()), "name", "Enter your full name.", errors)
    if len(name) > 150:
        errors.setdefault("name", []).append("Your name must be 150 characters or fewer.")
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter an e-mail address in the correct format, like name@school.org.uk"]
    found: School | None = None
    try:
        found = school_find(school)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    job = require_text(job_title, "job_title", "Enter your job title.", errors)
    if len(job) > 150:
        errors.setdefault("job_title", []).append("The job title must be 150 characters or fewer.")
    years = years_in_role
    if not 0 <= years <= 60:
        errors["years_in_role"] = ["Give the years in role: a whole number from 0 to 60."]
    expertise = require_text(
        field_of_expertise, "field_of_expertise", "Enter the field of expertise.", errors
    )
    text = require_text(
        evidence, "evidence", "Give evidence of impact against the criteria.", errors
    )
    errors.raise_if_any()
    assert found is not None
    rating, inspected_on = latest_ofsted(found)
    application = DesignationApplication(
        round=round,
        applicant_name=name,
        applicant_email=email,
        applicant_school=found,
        applicant_job_title=job,
        applicant_is_headteacher=bool(is_headteacher),
        years_in_role=years,
        field_of_expertise=expertise,
        evidence=text,
        home_school_ofsted_rating=rating,
        home_school_ofsted_on=inspected_on,
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise RuleViolation(
            f"An application to {round.title} has already been made with {email}.",
            rule="already_applied",
        ) from None
    event_record(
        actor=None,
        subject=application,
        verb="application.submitted",
        summary=f"{name} applied to {round.title} from the public page",
        data={
            "round": round.pk,
            "pending_applicant": True,
            "years_in_role": years,
            "home_school_ofsted_rating": rating,
            "home_school_ofsted_on": json_value(inspected_on),
        },
    )
    return application


def pending_applicant_invite(
    *,
    actor: Any,
    application: DesignationApplication,
    designated_on: dt.date,
    site_url: str = "",
) -> None:
    """Designating a pending applicant: invite them as a system leader (the coordinator's own
    right to invite, ``invitation_send``) and keep the designation date until they accept. An
    e-mail that already has an account gets the role at once, and the designation is made now."""
    from syslead.invitations.services import invitation_send

    outcome = invitation_send(
        actor=actor,
        email=application.applicant_email,
        name=application.applicant_name,
        role=Role.SYSTEM_LEADER,
        site_url=site_url,
    )
    application.invitation = outcome.invitation
    application.pending_designated_on = designated_on
    application.save(update_fields=["invitation", "pending_designated_on"])
    if outcome.status == "role_added" and outcome.invitation.user is not None:
        _attach(application, outcome.invitation.user, actor=actor)


def _attach(application: DesignationApplication, user: Any, *, actor: Any) -> None:
    """Give the person a leader profile if they have none, attach the application to it and make
    the designation the round's coordinator decided."""
    leader = LeaderProfile.objects.filter(user=user).first()
    if leader is None:
        assert application.applicant_school is not None
        leader = LeaderProfile.objects.create(
            user=user,
            home_school=application.applicant_school,
            job_title=application.applicant_job_title or "System leader",
            is_headteacher=application.applicant_is_headteacher,
            years_experience=application.years_in_role,
            created_by_organisation=application.round.organisation,
        )
    application.leader = leader
    application.save(update_fields=["leader"])
    designation_round = application.round
    designation_create(
        actor=actor,
        leader=leader,
        type_code=designation_round.designation_type.code,
        designated_on=application.pending_designated_on or timezone.localdate(),
        organisation=designation_round.organisation,
        application=application,
    )
    event_record(
        actor=user,
        subject=application,
        verb="application.attached",
        summary=f"{leader.name} joined Syslead; the designation is made",
        data={"leader": leader.pk},
    )


def pending_application_attach(*, invitation: Any, user: Any) -> list[DesignationApplication]:
    """On accepting an invitation: each designated pending application it was sent for is
    attached to the new account (the leader profile is made then) and its designation is made,
    on the inviting coordinator's authority."""
    applications = list(
        DesignationApplication.objects.select_for_update(of=("self",))
        .filter(invitation=invitation, leader__isnull=True, stage=ApplicationStage.DESIGNATED)
        .select_related("round__organisation", "round__designation_type", "applicant_school")
    )
    for application in applications:
        _attach(application, user, actor=invitation.invited_by)
    return applications


def outcome_tell(application: DesignationApplication, *, feedback: str) -> None:
    """Tell the applicant the outcome with the panel's feedback: in-app and by e-mail for a
    leader on Syslead (linking to their application page), by e-mail for a pending applicant."""
    designated = application.stage == ApplicationStage.DESIGNATED
    designation_round = application.round
    outcome = "designated" if designated else "not designated"
    subject = f"Your application to {designation_round.title}: {outcome}"
    if application.leader is not None:
        url = reverse("leaders:application", args=[application.pk])
        notify(
            users=[application.leader.user],
            verb="application.decided",
            text=subject,
            url=url,
            subject=subject,
            detail=f"The panel's feedback: {feedback}" if feedback else "",
        )
        to = application.leader.user.email
    else:
        to = application.applicant_email
        context = {
            "name": application.applicant_name,
            "round": designation_round.title,
            "organisation": designation_round.organisation.name,
            "designation": designation_round.designation_type.code,
            "designated": designated,
            "feedback": feedback,
            "site_url": settings.SITE_URL,
        }
        transaction.on_commit(
            lambda: email_enqueue(
                to=to, subject=subject, template=OUTCOME_EMAIL_TEMPLATE, context=context
            )
        )
    event_record(
        actor=None,
        subject=application,
        verb="application.outcome_sent",
        summary=f"Outcome ({outcome}) sent to the applicant"
        + (" with the panel's feedback" if feedback else ""),
        data={"outcome": outcome, "feedback": feedback},
    )
