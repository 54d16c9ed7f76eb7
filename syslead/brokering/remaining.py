"""Released and remaining days per leader for an academic year, for many leaders at once.

The capacity ledger belongs to the leaders area (``syslead.leaders.capacity``); this adapter reads
it for matching in bulk:

``with_released_and_remaining(queryset, year)``: the leaders annotated with ``released_days`` and
the ledger's own ``remaining_days`` (``with_remaining_days``: released − committed, in SQL), so the
shortlist reads its leaders and their capacity in one query, whatever their number.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery

from syslead.leaders.capacity import academic_year_of, with_remaining_days
from syslead.leaders.models import LeaderProfile, ReleaseAgreement


def with_released_and_remaining(
    queryset: QuerySet[LeaderProfile], academic_year: str
) -> QuerySet[LeaderProfile]:
    """The queryset annotated with ``released_days`` (the year's release agreement, None when
    there is none) and ``remaining_days`` (the ledger's ``with_remaining_days``)."""
    year = academic_year_of(academic_year)
    # The ledger's released rows: the leader's one release agreement for the year.
    released = ReleaseAgreement.objects.filter(
        academic_year=year.label, leader_id=OuterRef("pk")
    ).values("days")[:1]
    days: DecimalField[Decimal, Decimal] = DecimalField(max_digits=7, decimal_places=1)
    return with_remaining_days(queryset, year).annotate(
        released_days=Subquery(released, output_field=days)
    )
