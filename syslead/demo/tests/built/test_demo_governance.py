"""The demo's governance records and the alliance's agreement with its leaders: every NLG meets
the NLG criterion from their governance record (docs/rules.md, "Designations"), and the
alliance's agreement is signed by every associated leader but one, which both home pages show
(docs/rules.md, "The broker's agreement and code of conduct"). Loading the demo twice adds nothing
(test_load_demo.py counts the events these services record)."""

from __future__ import annotations

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.demo.governance import AGREEMENT_TITLE
from syslead.demo.organisations import ALLIANCE_NAME
from syslead.leaders.eligibility import chair_criterion_unmet
from syslead.leaders.models import (
    AgreementSignature,
    Association,
    BrokerAgreement,
    Designation,
    GovernancePosition,
    GovernanceRole,
    LeaderProfile,
)
from syslead.leaders.selectors.agreements import unsigned_agreements
from syslead.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _alliance() -> Organisation:
    return Organisation.objects.get(name=ALLIANCE_NAME)


def test_every_demo_nlg_meets_the_nlg_criterion_from_their_governance_record(
    built_demo: str,
) -> None:
    nlgs = Designation.objects.filter(type__code="NLG").select_related("type", "leader")
    assert nlgs.count() >= 2
    for designation in nlgs:
        assert chair_criterion_unmet(designation.type, designation.leader) is None
        assert GovernanceRole.objects.filter(
            leader=designation.leader, role=GovernancePosition.CHAIR, ends_on__isnull=True
        ).exists()


def test_the_alliance_published_its_agreement_and_all_its_leaders_but_one_lle_signed(
    built_demo: str,
) -> None:
    alliance = _alliance()
    agreement = BrokerAgreement.objects.get(organisation=alliance)
    assert (agreement.version, agreement.title) == (1, AGREEMENT_TITLE)
    assert agreement.published_by is not None
    associated = LeaderProfile.objects.filter(
        associations__organisation=alliance, associations__is_live=True
    ).distinct()
    signed = AgreementSignature.objects.filter(agreement=agreement)
    assert signed.count() == associated.count() - 1
    assert signed.count() >= 10
    assert all(s.signed_at >= agreement.published_at for s in signed)
    (unsigned,) = unsigned_agreements(Association.objects.filter(organisation=alliance))
    leader = LeaderProfile.objects.get(pk=unsigned.leader_id)
    assert leader.designations.filter(type__code="LLE").exists()
    assert not leader.deployments.exists()  # no story of the demo needs them deployable


def test_the_home_pages_show_the_leader_who_has_not_signed(built_demo: str, client: Client) -> None:
    alliance = _alliance()
    (unsigned,) = unsigned_agreements(Association.objects.filter(organisation=alliance))
    client.force_login(User.objects.get(email="alice.hart@kyra.example"))
    items = [item.text for item in client.get("/").context["attention"]]
    assert (
        f"1 leader has not signed {ALLIANCE_NAME}'s agreement and code of conduct: not "
        "deployable for it"
    ) in items
    client.force_login(LeaderProfile.objects.get(pk=unsigned.leader_id).user)
    texts = [item.text for item in client.get("/").context["attention"]]
    assert f"Sign {ALLIANCE_NAME}'s agreement and code of conduct" in texts
