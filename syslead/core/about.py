"""The open datasets Syslead ships and how much of each this installation holds, for the
"About the data" page (the licences require the attribution that page shows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min

from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import OfstedInspection, PostcodeArea, School

OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
OS_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025; Contains Royal Mail data © "
    "Royal Mail copyright and database right 2025; Contains National Statistics data © Crown "
    "copyright and database right 2025."
)


@dataclass(frozen=True)
class Dataset:
    title: str
    file: str
    publisher: str
    as_of: str
    published_rows: int
    description: str
    held: str


def _count(n: int, noun: str, plural: str = "") -> str:
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def _date_range(first: dt.date | None, last: dt.date | None) -> str:
    if first is None or last is None:
        return "none loaded"
    return f"from {first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def datasets() -> list[Dataset]:
    """Each shipped dataset with a plain description and what this installation holds of it."""
    inspections = OfstedInspection.objects.aggregate(
        first=Min("inspected_on"), last=Max("inspected_on")
    )
    kinds = {
        kind: Organisation.objects.filter(kind=kind).count()
        for kind in (
            OrganisationKind.TEACHING_SCHOOL_ALLIANCE,
            OrganisationKind.TEACHING_SCHOOL_HUB,
        )
    }
    return [
        Dataset(
            title="Open state-funded schools in England",
            file="schools_england_open_2025.csv",
            publisher="Department for Education, Get Information about Schools (GIAS)",
            as_of="early 2025 (with 2018 GIAS attributes where the school existed then)",
            published_rows=22010,
            description=(
                "Every open state-funded school: URN, name, town and postcode, placed on the map "
                "from Code-Point Open 2025, with its local authority, phase, type, age range and "
                "latest graded Ofsted inspection up to February 2020. About 3,500 newer academies "
                "have no 2018 attributes, so their phase is worked out from their name."
            ),
            held=_count(School.objects.count(), "school"),
        ),
        Dataset(
            title="Ofsted inspections",
            file="ofsted_inspections_2005-2020.csv",
            publisher="Ofsted",
            as_of="September 2005 to February 2020",
            published_rows=60134,
            description=(
                "Graded inspections for each school (Outstanding, Good, Requires improvement, "
                "Satisfactory, Inadequate). Ofsted stopped single-word grades in September 2024, "
                "so every grade here is historic."
            ),
            held=_count(OfstedInspection.objects.count(), "inspection")
            + " of schools in the register "
            + f"({_date_range(inspections['first'], inspections['last'])})",
        ),
        Dataset(
            title="Teaching schools and their alliances",
            file="teaching_schools_2018-03-12.csv",
            publisher="National College for Teaching and Leadership (NCTL)",
            as_of="12 March 2018",
            published_rows=808,
            description=(
                "The national list of teaching schools and the teaching school alliances they "
                "led, from the school-to-school support directory."
            ),
            held=_count(kinds[OrganisationKind.TEACHING_SCHOOL_ALLIANCE], "alliance") + " set up",
        ),
        Dataset(
            title="Teaching school hubs",
            file="teaching_school_hubs_2025-09-30.csv",
            publisher="Department for Education",
            as_of="30 September 2025",
            published_rows=87,
            description=(
                "The teaching school hubs and the local authority districts each covers. "
                "Contact e-mail addresses were removed."
            ),
            held=_count(kinds[OrganisationKind.TEACHING_SCHOOL_HUB], "hub") + " set up",
        ),
        Dataset(
            title="Postcode districts",
            file="postcode_outward_centroids_2025-04.csv",
            publisher="Ordnance Survey, Code-Point Open",
            as_of="April 2025",
            published_rows=2863,
            description=(
                "The centre of every outward postcode in Great Britain (such as LN1), to place a "
                "school or person whose full postcode is not known."
            ),
            held=_count(PostcodeArea.objects.count(), "postcode district"),
        ),
    ]
