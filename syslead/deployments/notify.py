"""Telling the parties about an agreement: a row in each person's Syslead inbox, and an e-mail
once the transaction commits (``notifications.inbox.notify``), so a refused change tells nobody.
E-mails say what to do and link straight to the agreement; nothing important is only in an
e-mail: every change is also on the agreement's timeline."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.capacity.days import days_words
from syslead.deployments.models import Deployment, Party
from syslead.deployments.parties import (
    PARTY_ORDER,
    party_in_sentence,
    party_label,
    signatories,
)
from syslead.deployments.selectors import unsigned_parties
from syslead.notifications.inbox import notify


def deployment_path(deployment_id: int) -> str:
    """The agreement's page (``deployments:detail``)."""
    return reverse("deployments:detail", args=[deployment_id])


def _what(deployment: Deployment) -> str:
    return (
        f"{deployment.leader.user.get_full_name()} at {deployment.client_school.name}, "
        f"{deployment.starts_on:%-d %B %Y} to {deployment.ends_on:%-d %B %Y} "
        f"({days_words(deployment.days)})"
    )


def coordinators_of(deployment: Deployment) -> list[User]:
    return [
        assignment.user
        for assignment in RoleAssignment.objects.filter(
            role=Role.COORDINATOR, organisation_id=deployment.organisation_id
        ).select_related("user")
    ]


def ask_parties_to_sign(deployment: Deployment, intro: str) -> None:
    """Ask everyone who signs for a party still to sign."""
    holders = signatories(deployment)
    waiting = unsigned_parties(deployment)
    still = "; ".join(party_label(deployment, p) for p in waiting)
    for party in waiting:
        notify(
            users=holders[party],
            verb="deployment.to_sign",
            text=f"Sign the agreement for {deployment.leader.user.get_full_name()} at "
            f"{deployment.client_school.name} as {party_in_sentence(deployment, party)}.",
            url=deployment_path(deployment.pk),
            subject=f"Agreement to sign: {deployment.leader.user.get_full_name()} at "
            f"{deployment.client_school.name}",
            detail=f"{intro}\n\nAgreement: {_what(deployment)}.\nStill to sign: {still}.",
        )


def tell_parties(
    deployment: Deployment,
    *,
    verb: str,
    text: str,
    detail: str = "",
    parties: Iterable[Party] = PARTY_ORDER,
    coordinators: bool = False,
) -> None:
    """Tell the people holding ``parties`` (and the organisation's coordinators) about a change."""
    holders = signatories(deployment)
    people: list[User] = [user for party in parties for user in holders[party]]
    if coordinators:
        people.extend(coordinators_of(deployment))
    notify(
        users=people,
        verb=verb,
        text=text,
        url=deployment_path(deployment.pk),
        detail=f"{detail}\n\nAgreement: {_what(deployment)}.".strip(),
    )


def tell_users(
    deployment: Deployment, users: Iterable[User], *, verb: str, text: str, detail: str = ""
) -> None:
    """Tell ``users`` (e.g. the school's SIPs) about the agreement, linking to its page."""
    notify(
        users=list(users),
        verb=verb,
        text=text,
        url=deployment_path(deployment.pk),
        detail=f"{detail}\n\nAgreement: {_what(deployment)}.".strip(),
    )


def tell_coordinators(deployment: Deployment, *, verb: str, text: str, detail: str = "") -> None:
    """Tell the organisation's coordinators about the agreement."""
    tell_users(deployment, coordinators_of(deployment), verb=verb, text=text, detail=detail)
