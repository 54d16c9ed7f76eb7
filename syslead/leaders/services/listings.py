"""Listing a leader who has no broker in a broker's public directory (docs/rules.md,
"Association": association is optional; a leader with no broker who consented to a public
profile can be found through the public directory of any broker that lists them)."""

from __future__ import annotations

from django.db import transaction

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.access import associated_organisation_ids, may_list_in_directory
from syslead.leaders.models import DirectoryListing, LeaderProfile
from syslead.leaders.services._helpers import lock_leader
from syslead.organisations.models import Organisation


@transaction.atomic
def directory_listing_set(
    *, actor: User, leader: LeaderProfile, organisation: Organisation, listed: bool
) -> DirectoryListing | None:
    """List (``listed``) or stop listing the leader in the organisation's public directory: a
    coordinator of the organisation who sees the leader (the caller resolves the leader through
    ``leader_for_user``). Listing needs a leader with no broker (a leader with one is in their
    broker's directory) who consented to a public profile; the listing is shown only while both
    hold. Returns the listing, or None once removed."""
    if not may_list_in_directory(actor, organisation):
        raise NotAllowed(
            f"Only a coordinator of {organisation.name} lists leaders in its directory."
        )
    leader = lock_leader(leader)
    name = leader.user.get_full_name()
    existing = DirectoryListing.objects.filter(leader=leader, organisation=organisation).first()
    if not listed:
        if existing is None:
            raise RuleViolation(
                f"{name} is not listed in {organisation.name}'s directory.", rule="not_listed"
            )
        existing.delete()
        event_record(
            actor=actor,
            subject=leader,
            verb="leader.unlisted",
            summary=f"{name} is no longer listed in {organisation.name}'s public directory",
            data={"organisation": organisation.pk},
        )
        return None
    if associated_organisation_ids(leader):
        raise RuleViolation(
            f"{name} has a broker, whose public directory lists them: only a leader with no "
            "broker is listed by another broker.",
            rule="leader_has_broker",
        )
    if not leader.publish_profile:
        raise RuleViolation(
            f"{name} has not agreed to a public profile: they agree on their own profile "
            "before any broker lists them.",
            rule="no_consent_to_publish",
        )
    if existing is not None:
        raise RuleViolation(
            f"{name} is already listed in {organisation.name}'s directory.", rule="already_listed"
        )
    listing = DirectoryListing.objects.create(
        leader=leader, organisation=organisation, listed_by=actor
    )
    event_record(
        actor=actor,
        subject=leader,
        verb="leader.listed",
        summary=f"{name} listed in {organisation.name}'s public directory (no broker of their own)",
        data={"organisation": organisation.pk},
    )
    return listing
