"""How often an organisation's leaders' network and LLE group meet in an academic year, against
the expected frequency (docs/rules.md: Training): the network two or three times a year, the LLE
group with the local-authority officer three times a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from syslead.core.academic_years import AcademicYear, Term
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES
from syslead.leaders.models import Association, Designation, TrainingEvent, TrainingKind
from syslead.organisations.models import Organisation

#: Expected meetings a year by kind: (fewest, most).
EXPECTED_PER_YEAR: dict[str, tuple[int, int]] = {
    TrainingKind.NETWORK: (2, 3),
    TrainingKind.LLE_GROUP: (3, 3),
}


@dataclass(frozen=True)
class FrequencyFlag:
    """One organisation whose meetings of one kind in the year are outside the expected range."""

    organisation: Organisation
    kind: str
    kind_label: str
    count: int
    fewest: int
    most: int

    @property
    def too_few(self) -> bool:
        return self.count < self.fewest

    @property
    def message(self) -> str:
        expected = f"{self.fewest}–{self.most}" if self.fewest != self.most else str(self.fewest)
        noun = "meeting" if self.count == 1 else "meetings"
        if self.too_few:
            return (
                f"{self.count} {self.kind_label.lower()} {noun} held or scheduled; "
                f"{expected} expected a year. Schedule {self.fewest - self.count} more."
            )
        return f"{self.count} {self.kind_label.lower()} {noun}; {expected} expected a year."


def training_frequency_flags(organisation_ids: set[int], year: AcademicYear) -> list[FrequencyFlag]:
    """The organisations whose network meetings (2–3 a year) or LLE group meetings (3 a year) in
    the academic year, held or scheduled, are outside the expected range. The LLE group is
    checked only for organisations with a live LLE (a designation whose type requires annual
    training) among their associated leaders. Two queries, whatever the number of
    organisations."""
    in_year = Q(
        training_events__held_on__gte=year.starts_on,
        training_events__held_on__lte=year.ends_on,
    )
    has_lle = Exists(
        Designation.objects.filter(
            status__in=LIVE_DESIGNATION_STATUSES,
            type__requires_annual_training=True,
            leader_id__in=Association.objects.filter(
                organisation_id=OuterRef(OuterRef("pk")), is_live=True
            ).values("leader_id"),
        )
    )
    organisations = (
        Organisation.objects.filter(pk__in=organisation_ids)
        .annotate(
            network_count=Count(
                "training_events", filter=in_year & Q(training_events__kind=TrainingKind.NETWORK)
            ),
            lle_group_count=Count(
                "training_events",
                filter=in_year & Q(training_events__kind=TrainingKind.LLE_GROUP),
            ),
            has_lle=has_lle,
        )
        .order_by("name")
    )
    flags = []
    for organisation in organisations:
        counts = [(TrainingKind.NETWORK, organisation.network_count)]
        if organisation.has_lle:
            counts.append((TrainingKind.LLE_GROUP, organisation.lle_group_count))
        for kind, count in counts:
            fewest, most = EXPECTED_PER_YEAR[kind]
            if fewest <= count <= most:
                continue
            flags.append(
                FrequencyFlag(
                    organisation=organisation,
                    kind=str(kind),
                    kind_label=TrainingKind(kind).label,
                    count=count,
                    fewest=fewest,
                    most=most,
                )
            )
    return flags


def _today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class FrequencyAttention:
    """A meeting frequency that needs the coordinator now (docs/rules.md, "Meetings needing
    attention on the home page"): the flag, and why it cannot wait."""

    flag: FrequencyFlag
    reason: str


def frequency_attention(
    organisation_ids: set[int], today: dt.date | None = None
) -> list[FrequencyAttention]:
    """The too-few flags of the current academic year that need acting on now: a school term of
    the year has ended with no meeting of the kind held in it and none is scheduled in the
    current term, or fewer terms are left in the year (counting the current one) than meetings
    still missing, so that at one a term the year's number can no longer be met. Three queries
    at most."""
    today = today or _today()
    year = AcademicYear.containing(today)
    flags = [f for f in training_frequency_flags(organisation_ids, year) if f.too_few]
    if not flags:
        return []
    held: dict[tuple[int, str], list[dt.date]] = {}
    for org_id, kind, held_on in TrainingEvent.objects.filter(
        organisation_id__in={f.organisation.pk for f in flags},
        kind__in=list(EXPECTED_PER_YEAR),
        held_on__gte=year.starts_on,
        held_on__lte=year.ends_on,
    ).values_list("organisation_id", "kind", "held_on"):
        held.setdefault((org_id, kind), []).append(held_on)
    current = Term.containing(today)
    terms = year.terms()
    ended = [term for term in terms if term.ends_on < today]
    left = len(terms) - len(ended)
    found = []
    for flag in flags:
        dates = held.get((flag.organisation.pk, flag.kind), [])
        missing = flag.fewest - flag.count
        if missing > left:
            found.append(
                FrequencyAttention(
                    flag,
                    f"{left} term{'s' if left != 1 else ''} left in {year.label} for "
                    f"{missing} more: the year's {flag.fewest} can no longer be met at one a term.",
                )
            )
            continue
        scheduled_this_term = any(current.starts_on <= d <= current.ends_on for d in dates)
        empty = [t for t in ended if not any(t.starts_on <= d <= t.ends_on for d in dates)]
        if empty and not scheduled_this_term:
            found.append(
                FrequencyAttention(
                    flag,
                    f"None in the {empty[-1].name} term, and none scheduled this term.",
                )
            )
    return found
