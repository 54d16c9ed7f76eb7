"""Two drafts at the same moment never put a visit on two invoices: drafting locks the
deployment's row, so the second draft sees the first's lines and finds nothing left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import make_school, make_user, only_on_postgresql, race
from syslead.accounts.models import Role, User
from syslead.deployments.models import Deployment
from syslead.invoicing import services
from syslead.invoicing.models import InvoiceLine
from syslead.invoicing.tests.conftest import RATES
from syslead.organisations.models import Organisation
from syslead.visits.tests.factories import make_deployment, make_leader_profile, make_visit

ONLY_ON_POSTGRESQL = only_on_postgresql("the deployment's row lock")


def _draft(user_id: int, deployment_id: int) -> Callable[[], Any]:
    def call() -> Any:
        return services.invoice_draft(
            actor=User.objects.get(pk=user_id),
            deployment=Deployment.objects.get(pk=deployment_id),
        )

    return call


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_drafts_at_once_put_each_visit_on_one_invoice() -> None:
    alliance = Organisation.objects.create(
        name="Race Alliance", kind="teaching_school_alliance", slug="race-alliance"
    )
    home = make_school(121001, "Race Home School")
    client = make_school(121002, "Race Client School")
    leader_user = make_user("lee@race.test", "Lee Leader", (Role.SYSTEM_LEADER, None))
    coordinators = [
        make_user(f"c{i}@race.test", f"Coordinator {i}", (Role.COORDINATOR, alliance))
        for i in range(2)
    ]
    deployment = make_deployment(
        leader=make_leader_profile(leader_user, home),
        organisation=alliance,
        client_school=client,
        **RATES,
    )
    for _ in range(3):
        make_visit(deployment, status="agreed")

    outcomes = race([_draft(c.pk, deployment.pk) for c in coordinators])

    assert outcomes == ["nothing_to_invoice", "ok"]
    assert InvoiceLine.objects.filter(live=True).count() == 3
