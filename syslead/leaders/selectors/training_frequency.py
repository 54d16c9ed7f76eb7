"""How often an organisation's leaders' network and LLE group meet in an academic year, against
the expected frequency (docs/rules.md: Training): the network two or three times a year, the LLE
group with the local-authority officer three times a year."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from syslead.core.academic_years import AcademicYear
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES
from syslead.leaders.models import Association, Designation, TrainingKind
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
