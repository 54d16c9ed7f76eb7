"""The migration that records whether a commission was asked for marks the commissions already
written by the request's organisation (or an administrator) as asked, and no others (its data step,
run against today's models)."""

from __future__ import annotations

import importlib

from django.apps import apps

from syslead.accounts.models import User
from syslead.brokering.models import Commission, CommissionStatus, SupportRequest
from syslead.brokering.tests import factories
from syslead.organisations.models import Organisation

migration = importlib.import_module("syslead.brokering.migrations.0003_commission_asked")


def test_commissions_proposed_by_the_requests_organisation_become_asked(
    coordinator: User,
    other_coordinator: User,
    administrator: User,
    maths_request: SupportRequest,
    other_org: Organisation,
) -> None:
    leader = factories.leader(factories.school("Shared School"), organisation=other_org)
    rows = {
        who: Commission.objects.create(
            support_request=maths_request,
            leader=leader,
            owning_organisation=other_org,
            proposed_by=user,
            status=CommissionStatus.REFUSED,  # one leader may be proposed again once refused
        ).pk
        for who, user in (
            ("asker", coordinator),
            ("offerer", other_coordinator),
            ("administrator", administrator),
        )
    }
    migration.mark_asked(apps, None)
    asked = dict(Commission.objects.values_list("pk", "asked"))
    assert asked == {rows["asker"]: True, rows["offerer"]: False, rows["administrator"]: True}
