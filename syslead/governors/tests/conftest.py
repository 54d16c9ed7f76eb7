"""The governing body's fixtures: Lee's active agreement supporting Ermine Primary (the visits
area's), its chair of governors and a governor."""

from __future__ import annotations

import pytest

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.schools.models import School
from syslead.visits.tests.conftest import deployment, leader  # noqa: F401


@pytest.fixture
def chair(client_school: School) -> User:
    return make_user("gill@ermine.test", "Gill Chair", (Role.CHAIR_OF_GOVERNORS, client_school))


@pytest.fixture
def governor(client_school: School) -> User:
    return make_user("gary@ermine.test", "Gary Governor", (Role.GOVERNOR, client_school))
