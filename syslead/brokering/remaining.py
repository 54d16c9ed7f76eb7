"""Released and remaining days per leader for an academic year, for many leaders at once.

The capacity ledger belongs to the leaders area (``syslead.leaders.capacity``); this adapter reads
it in bulk for matching through ``capacities_for`` with a queryset (a subquery, no id list), so a
shortlist over thousands of leaders costs the ledger's fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import QuerySet

from syslead.leaders.capacity import capacities_for
from syslead.leaders.models import LeaderProfile


def released_and_remaining(
    leaders: QuerySet[LeaderProfile] | Sequence[int], academic_year: str
) -> dict[int, tuple[Decimal, Decimal]]:
    """{leader id: (released, remaining)}; leaders absent have neither (read as 0, 0)."""
    return {
        leader_id: (capacity.released, capacity.remaining)
        for leader_id, capacity in capacities_for(leaders, academic_year).items()
    }
