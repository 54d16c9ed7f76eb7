"""The demo's governance records and the alliance's agreement with its leaders, built through the
leaders area's services after the leaders and the casework:

- every leader holding an NLG designation has a governance record meeting the NLG criterion
  (docs/rules.md, "Designations": an experienced chair of governors): a governor's role, then
  chair of their school's governing body from four years before they were designated, still held;
- the alliance publishes its agreement and code of conduct for the leaders associated with it,
  at the start of the academic year, and every one of them signs it within a few weeks except
  one LLE with no agreement of their own, so the coordinator's home page shows the "has not
  signed" item and that leader's shows "Sign the alliance's agreement" (docs/rules.md, "The
  broker's agreement and code of conduct").

Idempotent: a leader who already meets the NLG criterion, an organisation that already published
an agreement, and a leader who already signed are left as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.demo.clock import Clock
from syslead.demo.organisations import DemoOrganisations
from syslead.demo.people import DemoPeople
from syslead.leaders.eligibility import chair_criterion_unmet
from syslead.leaders.models import (
    AgreementSignature,
    BrokerAgreement,
    Designation,
    GovernancePosition,
    LeaderProfile,
)
from syslead.leaders.services.agreements import agreement_publish, agreement_sign
from syslead.leaders.services.governance import governance_role_add

ALLIANCE_COORDINATOR = "alice.hart@kyra.example"
AGREEMENT_TITLE = "Agreement and code of conduct for system leaders"
AGREEMENT_TEXT = """\
This agreement is between {alliance} and each local leader of education
(LLE) and specialist leader of education (SLE) associated with it.

What the alliance does
- Brokers support that matches your experience and the days your school releases you for.
- Agrees the terms, the days and the fee with the supported school before you start.
- Pays your home school for the days you deliver (travel is included in the day rate).
- Offers the annual LLE training, network meetings and a termly review with a coordinator.

What you do
- Work within the agreed terms of each agreement and its action plan.
- Record a note of visit for every visit and share it with the school's headteacher.
- Base any challenge or recommendation on the evidence you gathered in your work.
- Attend the annual training for your designation.
- Raise any safeguarding concern at once, through the school's designated safeguarding lead and
  in Syslead.

Code of conduct
- Treat everyone you work with courteously and with respect.
- Keep professional relationships and the highest professional standards at all times.
- Respect confidentiality and the sensitivities of the schools, groups and people you work with.
- Keep up a professional dialogue with the school and be open to new ways of working.
"""
#: The governance record of an NLG: governor for this long, then chair from this long before
#: designation (both well above the NLG criterion of three years as a chair).
GOVERNOR_YEARS = 2
CHAIR_YEARS_BEFORE_DESIGNATION = 4
#: Signatures come in over the first weeks of the year, one leader every so many days.
SIGNING_DAYS_APART = 2


@dataclass
class DemoGovernance:
    governance_roles: int = 0
    agreements: int = 0
    signatures: int = 0
    not_signed: str = ""


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _nlg_governance(result: DemoGovernance) -> None:
    """A governance record meeting the NLG criterion for every NLG who has none."""
    designations = (
        Designation.objects.filter(type__code="NLG")
        .select_related("type", "leader__user", "leader__home_school")
        .order_by("pk")
    )
    for designation in designations:
        leader = designation.leader
        if chair_criterion_unmet(designation.type, leader) is None:
            continue
        chair_from = _years_before(designation.designated_on, CHAIR_YEARS_BEFORE_DESIGNATION)
        body = f"{leader.home_school.name} governing body"
        governance_role_add(
            actor=leader.user,
            leader=leader,
            body=body,
            role=GovernancePosition.GOVERNOR,
            starts_on=_years_before(chair_from, GOVERNOR_YEARS),
            ends_on=chair_from - dt.timedelta(days=1),
        )
        governance_role_add(
            actor=leader.user,
            leader=leader,
            body=body,
            role=GovernancePosition.CHAIR,
            starts_on=chair_from,
        )
        result.governance_roles += 2


def _unsigned_choice(leaders: list[LeaderProfile]) -> LeaderProfile | None:
    """The leader left not signed: the last LLE (by id) with no agreement of their own, so no
    casework the demo tells depends on them being deployable."""
    candidates = [
        leader
        for leader in leaders
        if leader.designations.filter(type__code="LLE").exists() and not leader.deployments.exists()
    ]
    return candidates[-1] if candidates else None


def _alliance_agreement(
    *, organisations: DemoOrganisations, coordinator: User, result: DemoGovernance
) -> None:
    alliance = organisations.alliance
    today = timezone.localdate()
    starts_on = AcademicYear.current().starts_on
    clock = Clock(today)
    agreement = BrokerAgreement.objects.filter(organisation=alliance).order_by("-version").first()
    if agreement is None:
        with clock.on(min(starts_on, today)):
            agreement = agreement_publish(
                actor=coordinator,
                organisation=alliance,
                title=AGREEMENT_TITLE,
                text=AGREEMENT_TEXT.format(alliance=alliance.name),
            )
        result.agreements += 1
    leaders = list(
        LeaderProfile.objects.filter(
            associations__organisation=alliance, associations__is_live=True
        )
        .select_related("user")
        .distinct()
        .order_by("pk")
    )
    unsigned = _unsigned_choice(leaders)
    result.not_signed = unsigned.name if unsigned is not None else ""
    signed = set(
        AgreementSignature.objects.filter(agreement=agreement).values_list("leader_id", flat=True)
    )
    for index, leader in enumerate(leaders):
        if leader == unsigned or leader.pk in signed:
            continue
        day = min(starts_on + dt.timedelta(days=1 + index * SIGNING_DAYS_APART), today)
        with clock.on(day, hour=17):
            agreement_sign(
                actor=leader.user,
                agreement=agreement,
                signed_name=leader.user.get_full_name(),
                confirmed=True,
            )
        result.signatures += 1
    clock.settle()


def build_governance(*, organisations: DemoOrganisations, people: DemoPeople) -> DemoGovernance:
    """The NLGs' governance records and the alliance's agreement (see the module's docstring)."""
    result = DemoGovernance()
    _nlg_governance(result)
    _alliance_agreement(
        organisations=organisations,
        coordinator=people.users[ALLIANCE_COORDINATOR],
        result=result,
    )
    return result
