"""What the privacy notice says about who sees what, role by role (in words, from the access rules
of each area), and about the public directory. The notice's page puts this beside the retention
table; a test checks every role has its row."""

from __future__ import annotations

from dataclasses import dataclass

from syslead.accounts.models import Role


@dataclass(frozen=True)
class RoleAccess:
    role: str
    label: str
    sees: tuple[str, ...]


ROLE_ACCESS: tuple[RoleAccess, ...] = (
    RoleAccess(
        Role.ADMINISTRATOR,
        Role.ADMINISTRATOR.label,
        (
            "Everything, to set up organisations, people and policies and to answer data "
            "protection requests.",
            "Makes subject access exports and erases people; every read of a sensitive record "
            "is recorded and they see who read it.",
        ),
    ),
    RoleAccess(
        Role.COORDINATOR,
        Role.COORDINATOR.label,
        (
            "Their organisation's directory of leaders (internal detail included), requests, "
            "agreements, notes of visit, feedback, evaluations, final reports and invoices.",
            "Concerns raised in their organisation; another organisation's work only when that "
            "organisation shares it.",
        ),
    ),
    RoleAccess(
        Role.BROKER_LEAD,
        Role.BROKER_LEAD.label,
        (
            "Their organisation's agreements (which they sign), delivery records, final reports, "
            "invoices, KPIs and costs.",
            "Not concerns, unless they raised them or are the named person.",
        ),
    ),
    RoleAccess(
        Role.SYSTEM_LEADER,
        Role.SYSTEM_LEADER.label,
        (
            "Their own profile, approaches, agreements and the records of their own deployments.",
            "Concerns they raised; never money (invoices and amounts): leaders are not paid "
            "individually.",
        ),
    ),
    RoleAccess(
        Role.HEADTEACHER,
        Role.HEADTEACHER.label,
        (
            "Their own school's requests, agreements and records: as the supported school (notes "
            "of visit to agree, feedback, the evaluation, the final report once quality-assured) "
            "or as the leader's school (release days, agreements, income).",
            "Concerns they raised.",
        ),
    ),
    RoleAccess(
        Role.SIP,
        Role.SIP.label,
        (
            "Requests and agreements on the local authority route in their own local authority, "
            "and the notes of visit of that support; school-route ones only for schools whose "
            "named SIP they are.",
            "Not concerns, unless they raised them or are the named person.",
        ),
    ),
    RoleAccess(
        Role.CHAIR_OF_GOVERNORS,
        Role.CHAIR_OF_GOVERNORS.label,
        (
            "For their own school's signed agreements of support: the agreement, the termly "
            "deployment records the headteacher signed, the end-of-support evaluation and the "
            "final report once quality-assured. Nothing else.",
            "The names and e-mail addresses of the school's governors, whom they invite.",
        ),
    ),
    RoleAccess(
        Role.GOVERNOR,
        Role.GOVERNOR.label,
        (
            "For their own school's signed agreements of support: the agreement, the termly "
            "deployment records the headteacher signed, the end-of-support evaluation and the "
            "final report once quality-assured. Nothing else.",
        ),
    ),
)

#: Who sees a safeguarding or other serious concern (the same for every role).
CONCERNS_SEEN_BY = (
    "A concern is seen only by the person who raised it, the organisation's named person and "
    "its coordinators (and administrators). Every time someone opens it, Syslead records who "
    "and when; the named person can see that record."
)

#: What the public directory shows (``/organisations/<slug>/directory/``).
PUBLIC_DIRECTORY = (
    "Each organisation's public directory of system leaders shows only what each leader "
    "agreed to publish: whether they appear at all, and then their name, school, specialisms "
    "and pen portrait, each by its own consent. Leaders change this on their profile at any "
    "time. Everything else is seen only by people signed in with a role that needs it."
)
