"""The system leaders area's vocabularies and figures, with the rule of docs/rules.md each one comes
from.

The built-in specialisms and designation types are created by a data migration
(``0003_builtin_vocabularies``) from these lists; the migration keeps its own frozen copy, so a
later change here needs a new migration too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, TypedDict

from syslead.leaders.models import DesignationStatus
from syslead.schools.models import Phase

#: The contract's built-in specialisms (docs/api.md, Vocabularies), code → label.
BUILTIN_SPECIALISMS: Final[dict[str, str]] = {
    "leadership": "Leadership",
    "governance": "Governance",
    "maths": "Maths",
    "english": "English",
    "phonics": "Phonics",
    "science": "Science",
    "early_years": "Early years",
    "send": "SEND",
    "behaviour": "Behaviour",
    "attendance": "Attendance",
    "assessment": "Assessment",
    "curriculum": "Curriculum",
    "teaching_and_learning": "Teaching and learning",
    "disadvantaged_pupils": "Disadvantaged pupils",
    "school_business_management": "School business management",
    "initial_teacher_training": "Initial teacher training",
    "safeguarding": "Safeguarding",
}

#: The contract's phases (docs/api.md, Vocabularies): the register's phase codes.
PHASES: Final[dict[str, str]] = {phase.value: str(phase.label) for phase in Phase}


class DesignationTypeSpec(TypedDict):
    name: str
    criteria: str
    min_years_experience: int
    requires_headteacher: bool
    excludes_headteacher: bool
    requires_good_or_outstanding_school: bool
    is_exclusive: bool
    requires_annual_training: bool
    min_years_as_chair: int


#: An NLG is "an experienced chair of governors": at least this many years as a chair, in total,
#: on the governance record (docs/rules.md, "Designations").
NLG_MIN_YEARS_AS_CHAIR: Final = 3

#: The national designations, with their criteria (docs/rules.md: Designations).
BUILTIN_DESIGNATION_TYPES: Final[dict[str, DesignationTypeSpec]] = {
    "SLE": {
        "name": "Specialist Leader of Education",
        "criteria": (
            "An outstanding middle or senior leader in a position below headteacher (a deputy or "
            "assistant headteacher, subject leader, pastoral leader or school business manager), "
            "with at least two years' experience in a particular field of expertise and a "
            "successful track record, supported by substantial evidence of impact, of working "
            "effectively within their own school and/or across a group of schools. Whilst the "
            "individual must be outstanding, their school does not have to be."
        ),
        "min_years_experience": 2,
        "requires_headteacher": False,
        "excludes_headteacher": True,
        "requires_good_or_outstanding_school": False,
        "is_exclusive": False,
        "requires_annual_training": False,
        "min_years_as_chair": 0,
    },
    "LLE": {
        "name": "Local Leader of Education",
        "criteria": (
            "A headteacher with at least 3 years' experience in a good or outstanding school who "
            "has completed successfully a local application and assessment process. An LLE may be "
            "associated with only one broker at a time, which brokers all of the LLE's deployments "
            "exclusively, and attends one mandatory training session a year."
        ),
        "min_years_experience": 3,
        "requires_headteacher": True,
        "excludes_headteacher": False,
        "requires_good_or_outstanding_school": True,
        "is_exclusive": True,
        "requires_annual_training": True,
        "min_years_as_chair": 0,
    },
    "NLE": {
        "name": "National Leader of Education",
        "criteria": (
            "A headteacher or executive headteacher of a good or outstanding school who has "
            "completed successfully a national application and assessment process."
        ),
        "min_years_experience": 0,
        "requires_headteacher": True,
        "excludes_headteacher": False,
        "requires_good_or_outstanding_school": True,
        "is_exclusive": False,
        "requires_annual_training": False,
        "min_years_as_chair": 0,
    },
    "NLG": {
        "name": "National Leader of Governance",
        "criteria": (
            "A chair of governors who has completed successfully a national application and "
            "assessment process."
        ),
        "min_years_experience": 0,
        "requires_headteacher": False,
        "excludes_headteacher": False,
        "requires_good_or_outstanding_school": False,
        "is_exclusive": False,
        "requires_annual_training": False,
        "min_years_as_chair": NLG_MIN_YEARS_AS_CHAIR,
    },
}

#: Designations that still count: a designation under review is held until the review decides.
LIVE_DESIGNATION_STATUSES: Final = (DesignationStatus.ACTIVE, DesignationStatus.UNDER_REVIEW)

#: A new designation is due for review this many years after ``designated_on`` unless a date is
#: given: three years, Syslead's default (docs/rules.md: Designations; change it here, not in the
#: services).
DESIGNATION_REVIEW_YEARS: Final = 3

#: Release cap when an organisation has no policy of its own, and for a leader associated with no
#: organisation: at most 15 days a year (docs/rules.md: Capacity).
DEFAULT_MAX_RELEASE_DAYS: Final = Decimal("15")
#: The minimum an associated LLE commits to: at least 6 days of support a year (docs/rules.md:
#: Capacity).
DEFAULT_MIN_LLE_DAYS: Final = Decimal("6")
#: The largest cap an organisation may set: a local authority's normally no more than 20 days a year
#: (docs/rules.md: Capacity), with room for exceptional policies.
MAX_POLICY_RELEASE_DAYS: Final = Decimal("60")


#: The Ofsted grades the "good or outstanding school" criterion accepts.
GOOD_OR_OUTSTANDING: Final = frozenset({"outstanding", "good"})
