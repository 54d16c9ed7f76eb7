"""Brokering's fixtures: Lee (a maths SLE at Mount Street Academy, associated with the alliance)
and a request from Ermine Primary Academy to the alliance."""

from __future__ import annotations

import pytest

from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.brokering.tests import factories
from syslead.leaders.constants import BUILTIN_DESIGNATION_TYPES, BUILTIN_SPECIALISMS
from syslead.leaders.models import DesignationType, LeaderProfile, Specialism
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@pytest.fixture(autouse=True)
def _builtin_vocabularies(db: None) -> None:
    """The data migration creates these; a transactional test elsewhere may flush them."""
    if Specialism.objects.filter(organisation=None).count() < len(BUILTIN_SPECIALISMS):
        for code, label in BUILTIN_SPECIALISMS.items():
            Specialism.objects.update_or_create(
                code=code, organisation=None, defaults={"label": label}
            )
    if DesignationType.objects.filter(organisation=None).count() < len(BUILTIN_DESIGNATION_TYPES):
        for code, spec in BUILTIN_DESIGNATION_TYPES.items():
            DesignationType.objects.update_or_create(
                code=code, organisation=None, defaults=dict(spec)
            )


@pytest.fixture
def lee(leader_user: User, home_school: School, alliance: Organisation) -> LeaderProfile:
    """Lee: a maths and English SLE at Mount Street Academy, 1.3 km from Ermine Primary."""
    return factories.leader(
        home_school,
        user=leader_user,
        organisation=alliance,
        specialisms=("maths", "english"),
        phases=("primary",),
        years=8,
    )


@pytest.fixture
def maths_request(
    client_school: School, alliance: Organisation, client_head: User
) -> SupportRequest:
    """Ermine Primary asks the alliance for 5 days of maths support."""
    return factories.support_request(client_school, alliance, raised_by=client_head)
