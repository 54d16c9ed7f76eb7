"""Profiles: adding a system leader, editing the profile, consent to publish each part, and
declaring that the criteria are no longer met (docs/rules.md: Designations)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypedDict, Unpack

from django.db import transaction

from syslead.accounts.access import (
    coordinated_organisation_ids,
    forget_roles,
    is_administrator,
)
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, field_error
from syslead.leaders.access import leaders_visible_to
from syslead.leaders.models import (
    Designation,
    LeaderProfile,
)
from syslead.leaders.permissions import (
    is_the_leader,
    may_coordinate,
    may_create_leaders,
    may_edit_profile,
    may_manage_leader,
)
from syslead.leaders.services._helpers import (
    check_phases,
    check_school,
    check_specialisms,
    json_value,
    require_text,
    set_phases,
    specialism_organisation_ids,
)
from syslead.leaders.transitions import DESIGNATION_TRANSITIONS
from syslead.organisations.models import Organisation


@transaction.atomic
def leader_create(
    *,
    actor: User,
    user: User,
    home_school_urn: int,
    job_title: str,
    specialisms: list[str],
    phases: list[str],
    pen_portrait: str = "",
    core_training_completed_on: dt.date | None = None,
    years_experience: int = 0,
    is_headteacher: bool = False,
    organisation: Organisation | None = None,
) -> LeaderProfile:
    """Add a system leader: a coordinator (for their organisation, which may then see and edit the
    profile) or an administrator; the user is given the system leader role if missing."""
    if not may_create_leaders(actor):
        raise NotAllowed("Only coordinators and administrators may add system leaders.")
    errors = FieldErrors()
    if organisation is not None:
        if not may_coordinate(actor, organisation):
            raise NotAllowed(f"You do not coordinate {organisation.name}.")
    elif not is_administrator(actor):
        coordinated = sorted(coordinated_organisation_ids(actor))
        if len(coordinated) == 1:
            organisation = Organisation.objects.get(pk=coordinated[0])
        else:
            errors["organisation"] = [
                "You coordinate several organisations: say which one is adding this leader."
            ]
    existing = LeaderProfile.objects.filter(user=user).first()
    if existing is not None:
        # Named only to someone who may see that leader: the message must not tell a coordinator
        # who an unseen leader is.
        seen = leaders_visible_to(actor).filter(pk=existing.pk).exists()
        who = str(user) if seen else "This user"
        errors.setdefault("user", []).append(f"{who} already has a system leader profile.")
    school = check_school(home_school_urn, errors)
    title = require_text(job_title, "job_title", "Enter the leader's job title.", errors)
    org_ids = specialism_organisation_ids(actor, None) | (
        {organisation.pk} if organisation else set()
    )
    specialism_rows = check_specialisms(specialisms, org_ids, errors)
    phase_codes = check_phases(phases, errors)
    if years_experience < 0:
        errors.setdefault("years_experience", []).append("Years of experience cannot be negative.")
    errors.raise_if_any()

    leader = LeaderProfile(
        user=user,
        home_school=school,
        job_title=title,
        is_headteacher=bool(is_headteacher),
        years_experience=years_experience,
        pen_portrait=(pen_portrait or "").strip(),
        core_training_completed_on=core_training_completed_on,
        created_by_organisation=organisation,
    )
    leader.full_clean()
    leader.save()
    leader.specialisms.set(specialism_rows)
    set_phases(leader, phase_codes)
    if not RoleAssignment.objects.filter(user=user, role=Role.SYSTEM_LEADER).exists():
        RoleAssignment.objects.create(user=user, role=Role.SYSTEM_LEADER)
        forget_roles(user)
    event_record(
        actor=actor,
        subject=leader,
        verb="leader.created",
        summary=f"{leader.name} added as a system leader",
        data={
            "user": user.pk,
            "home_school": leader.home_school_id,
            "job_title": title,
            "specialisms": sorted(s.code for s in specialism_rows),
            "phases": phase_codes,
            "organisation": organisation.pk if organisation else None,
        },
    )
    return leader


#: Profile fields the leader may change themselves (and coordinators who manage the leader).
PROFILE_FIELDS = frozenset(
    {
        "job_title",
        "specialisms",
        "phases",
        "pen_portrait",
        "years_experience",
        "declared_conflicts",
    }
)
#: Fields only a coordinator who manages the leader (or an administrator) may change: they bear on
#: eligibility and deployability.
COORDINATOR_FIELDS = frozenset({"home_school_urn", "is_headteacher", "core_training_completed_on"})


class ProfileChanges(TypedDict, total=False):
    """What ``leader_update`` may change, typed: the page's form and the API's schema parse."""

    job_title: str
    specialisms: Sequence[str]
    phases: Sequence[str]
    pen_portrait: str
    years_experience: int
    declared_conflicts: str
    home_school_urn: int
    is_headteacher: bool
    core_training_completed_on: dt.date | None


@transaction.atomic
def leader_update(
    *, actor: User, leader: LeaderProfile, **fields: Unpack[ProfileChanges]
) -> LeaderProfile:
    """Edit a profile: the leader edits their own descriptive fields; a coordinator of an
    organisation concerned (or an administrator) may also change the home school, headteacher
    status and core training date. Unchanged fields are left alone; every change is recorded."""
    unknown = set(fields) - PROFILE_FIELDS - COORDINATOR_FIELDS
    if unknown:
        raise TypeError(f"leader_update() got unexpected fields: {', '.join(sorted(unknown))}")
    if not may_edit_profile(actor, leader):
        raise NotAllowed("You may not edit this leader's profile.")
    if set(fields) & COORDINATOR_FIELDS and not may_manage_leader(actor, leader):
        raise NotAllowed(
            "Only a coordinator may change the home school, headteacher status or core training."
        )
    errors = FieldErrors()
    changes: dict[str, Any] = {}
    if "job_title" in fields:
        title = require_text(fields["job_title"], "job_title", "Enter the job title.", errors)
        if title != leader.job_title:
            changes["job_title"] = (leader.job_title, title)
            leader.job_title = title
    if "pen_portrait" in fields:
        text = (fields["pen_portrait"] or "").strip()
        if text != leader.pen_portrait:
            changes["pen_portrait"] = ("…", "…")  # long text: the event notes the change only
            leader.pen_portrait = text
    if "declared_conflicts" in fields:
        text = (fields["declared_conflicts"] or "").strip()
        if text != leader.declared_conflicts:
            changes["declared_conflicts"] = (leader.declared_conflicts, text)
            leader.declared_conflicts = text
    if "years_experience" in fields:
        years = fields["years_experience"]
        if years < 0:
            errors["years_experience"] = ["Years of experience must be 0 or more."]
        elif years != leader.years_experience:
            changes["years_experience"] = (leader.years_experience, years)
            leader.years_experience = years
    if "is_headteacher" in fields and bool(fields["is_headteacher"]) != leader.is_headteacher:
        changes["is_headteacher"] = (leader.is_headteacher, bool(fields["is_headteacher"]))
        leader.is_headteacher = bool(fields["is_headteacher"])
    if "core_training_completed_on" in fields:
        done = fields["core_training_completed_on"]
        if done != leader.core_training_completed_on:
            changes["core_training_completed_on"] = (leader.core_training_completed_on, done)
            leader.core_training_completed_on = done
    if "home_school_urn" in fields:
        school = check_school(fields["home_school_urn"], errors)
        if school is not None and school.pk != leader.home_school_id:
            changes["home_school"] = (leader.home_school_id, school.pk)
            leader.home_school = school
    specialism_rows = None
    if "specialisms" in fields:
        specialism_rows = check_specialisms(
            fields["specialisms"], specialism_organisation_ids(actor, leader), errors
        )
    phase_codes = None
    if "phases" in fields:
        phase_codes = check_phases(fields["phases"], errors)
    errors.raise_if_any()

    leader.full_clean()
    leader.save()
    if specialism_rows is not None:
        before = sorted(leader.specialisms.values_list("code", flat=True))
        after = sorted(s.code for s in specialism_rows)
        if before != after:
            leader.specialisms.set(specialism_rows)
            changes["specialisms"] = (before, after)
    if phase_codes is not None:
        before = sorted(leader.phase_rows.values_list("phase", flat=True))
        if before != sorted(phase_codes):
            set_phases(leader, phase_codes)
            changes["phases"] = (before, sorted(phase_codes))
    if changes:
        event_record(
            actor=actor,
            subject=leader,
            verb="leader.updated",
            summary="Profile changed: " + ", ".join(sorted(changes)).replace("_", " "),
            data={k: [json_value(old), json_value(new)] for k, (old, new) in changes.items()},
        )
    return leader


@transaction.atomic
def leader_set_publication(
    *,
    actor: User,
    leader: LeaderProfile,
    publish_profile: bool | None = None,
    publish_name: bool | None = None,
    publish_school: bool | None = None,
    publish_specialisms: bool | None = None,
    publish_pen_portrait: bool | None = None,
) -> LeaderProfile:
    """Consent to publish each part of the profile in the public directory: the leader's own
    decision (an administrator may record it for them); None leaves a part as it is."""
    if not (is_the_leader(actor, leader) or is_administrator(actor)):
        raise NotAllowed("Only the leader may consent to publishing their profile.")
    wanted = {
        "publish_profile": publish_profile,
        "publish_name": publish_name,
        "publish_school": publish_school,
        "publish_specialisms": publish_specialisms,
        "publish_pen_portrait": publish_pen_portrait,
    }
    changes = {}
    for name, value in wanted.items():
        if value is not None and bool(value) != getattr(leader, name):
            changes[name] = bool(value)
            setattr(leader, name, bool(value))
    if changes:
        leader.save(update_fields=[*changes, "updated_at"])
        event_record(
            actor=actor,
            subject=leader,
            verb="leader.publication_set",
            summary="Consent to publish changed",
            data=changes,
        )
    return leader


@transaction.atomic
def leader_declare_no_longer_meets_criteria(
    *, actor: User, leader: LeaderProfile, designation: Designation, reason: str
) -> Designation:
    """A leader who stops meeting the criteria must say so (docs/rules.md: Designations): the
    designation is flagged for review. The leader declares it,
    or a coordinator who manages the leader records the declaration."""
    if designation.leader_id != leader.pk:
        raise field_error("designation", "That designation is not this leader's.")
    designation.leader = leader
    DESIGNATION_TRANSITIONS.require_permitted(
        "declare",
        actor,
        designation,
        "Only the leader, or their coordinator, may record this declaration.",
    )
    errors = FieldErrors()
    text = require_text(reason, "reason", "Say which criteria are no longer met, and why.", errors)
    errors.raise_if_any()
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    DESIGNATION_TRANSITIONS.require_source(
        "declare",
        designation,
        f"The {designation.type.code} designation is {designation.get_status_display().lower()}"
        ": only an active designation can be flagged for review.",
    )
    designation.review_reason = f"The leader declared they no longer meet the criteria: {text}"
    DESIGNATION_TRANSITIONS.apply(
        "declare",
        designation,
        actor=actor,
        update_fields=["review_reason"],
        summary=f"{leader.name} no longer meets the {designation.type.code} criteria: for review",
        data={"reason": text},
    )
    return designation
