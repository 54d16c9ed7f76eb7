"""Schools that could benefit (the LA route's criteria from the register) and unmet demand against
supply (the next designation round's priorities)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from syslead.brokering.models import Approach, ApproachStatus, RequestStatus
from syslead.brokering.selectors import (
    schools_that_could_benefit,
    unmet_demand,
    unmet_demand_report,
)
from syslead.brokering.tests import factories
from syslead.leaders.models import DesignationStatus
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import OfstedRating, Phase

SG = "South Gloucestershire"


def _sg_school(name: str, rating: str, inspected: dt.date | None, **extra: Any) -> Any:
    return factories.school(
        name,
        local_authority=SG,
        ofsted_rating=rating,
        ofsted_inspected_on=inspected,
        **extra,
    )


def test_schools_that_could_benefit_in_an_la_most_severe_first(
    other_org: Organisation, django_assert_max_num_queries: Any
) -> None:
    _sg_school("Good Recent", OfstedRating.GOOD, dt.date(2019, 5, 1))
    ri = _sg_school("RI School", OfstedRating.REQUIRES_IMPROVEMENT, dt.date(2019, 3, 1))
    inadequate = _sg_school("Inadequate School", OfstedRating.INADEQUATE, dt.date(2018, 6, 1))
    never = _sg_school("New Academy", "", None)
    stale = _sg_school("Good Long Ago", OfstedRating.GOOD, dt.date(2012, 1, 10))
    satisfactory_old = _sg_school(
        "Satisfactory Old", OfstedRating.SATISFACTORY, dt.date(2011, 1, 1)
    )
    factories.school("Elsewhere RI", ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT)
    with django_assert_max_num_queries(4):
        needs = schools_that_could_benefit(other_org, as_of=dt.date(2020, 2, 1))
    assert [n.school.urn for n in needs] == [
        inadequate.urn,
        satisfactory_old.urn,
        ri.urn,
        never.urn,
        stale.urn,
    ]
    by_urn = {n.school.urn: n for n in needs}
    assert by_urn[ri.urn].reasons == ("Latest Ofsted grade: requires improvement (March 2019)",)
    assert by_urn[ri.urn].suggested_criteria == ("leadership_ri",)
    assert by_urn[never.urn].reasons == ("No graded Ofsted inspection on the register",)
    assert by_urn[stale.urn].reasons == (
        "Last inspected January 2012, more than 4 years before February 2020",
    )
    assert len(by_urn[satisfactory_old.urn].reasons) == 2


def test_out_of_date_is_measured_from_the_newest_inspection_held(other_org: Organisation) -> None:
    _sg_school("Newest", OfstedRating.GOOD, dt.date(2020, 2, 1))
    borderline = _sg_school("Three years", OfstedRating.GOOD, dt.date(2017, 3, 1))
    old = _sg_school("Five years", OfstedRating.GOOD, dt.date(2015, 1, 1))
    urns = [n.school.urn for n in schools_that_could_benefit(other_org)]
    assert old.urn in urns
    assert borderline.urn not in urns
    assert [n.school.urn for n in schools_that_could_benefit(other_org, stale_after_years=2)] == [
        old.urn,
        borderline.urn,
    ]


def test_a_hub_covers_the_districts_it_lists(db: None) -> None:
    hub = Organisation.objects.create(
        name="Saffron Teaching School Hub",
        kind=OrganisationKind.TEACHING_SCHOOL_HUB,
        slug="saffron",
        area_names="Braintree; Chelmsford",
    )
    inside = factories.school(
        "Braintree RI", district="Braintree", ofsted_rating="requires_improvement"
    )
    factories.school("Colchester RI", district="Colchester", ofsted_rating="requires_improvement")
    assert [n.school.urn for n in schools_that_could_benefit(hub)] == [inside.urn]


def test_an_organisation_without_an_area_has_no_schools(alliance: Organisation) -> None:
    factories.school("RI", ofsted_rating="requires_improvement")
    assert schools_that_could_benefit(alliance) == []


def test_unmet_demand_by_specialism_phase_and_area_against_supply(
    alliance: Organisation, coordinator: Any
) -> None:
    lincoln = factories.school("Lincoln Primary")
    rutland = factories.school("Rutland Primary", local_authority="Rutland")
    high = factories.school("Lincoln High", phase=Phase.SECONDARY)
    factories.support_request(lincoln, alliance, needs=("maths", "english"), days="5")
    factories.support_request(rutland, alliance, needs=("maths",), days="4")
    factories.support_request(
        high, alliance, needs=("science",), days="6", status=RequestStatus.WAITING_LIST
    )
    factories.support_request(lincoln, alliance, needs=("maths",), status=RequestStatus.MATCHED)
    declined = factories.support_request(
        lincoln, alliance, needs=("send",), days="3", status=RequestStatus.WITHDRAWN
    )
    leader = factories.leader(factories.school("Home"), organisation=alliance, release="4")
    Approach.objects.create(
        support_request=declined, leader=leader, status=ApproachStatus.DECLINED, decline_reason="No"
    )
    factories.leader(
        factories.school("Rutland Home", local_authority="Rutland"),
        organisation=alliance,
        specialisms=("maths", "english"),
        release="10",
    )
    factories.leader(factories.school("Untrained home"), organisation=alliance, trained=False)
    rows = unmet_demand(alliance, factories.YEAR)
    table = {(r.specialism, r.phase, r.area): r for r in rows}
    assert set(table) == {
        ("maths", "primary", "Lincolnshire"),
        ("english", "primary", "Lincolnshire"),
        ("maths", "primary", "Rutland"),
        ("science", "secondary", "Lincolnshire"),
        ("send", "primary", "Lincolnshire"),
    }
    maths_lincs = table[("maths", "primary", "Lincolnshire")]
    assert maths_lincs.requests == 1
    assert maths_lincs.leaders == 2
    assert maths_lincs.leaders_in_area == 1
    assert maths_lincs.remaining_days == Decimal("14")
    assert maths_lincs.gap_days == Decimal("1")
    science = table[("science", "secondary", "Lincolnshire")]
    assert science.leaders == 0
    assert science.gap_days == Decimal("6")
    send = table[("send", "primary", "Lincolnshire")]
    assert send.declined == 1
    assert send.requests == 1
    assert rows[0] is science
    assert rows[0].priority == "Science in secondary schools in Lincolnshire"
    english = table[("english", "primary", "Lincolnshire")]
    assert english.gap_days == Decimal("5")
    assert table[("maths", "primary", "Rutland")].gap_days == Decimal("-6")
    assert rows[-1] is table[("maths", "primary", "Rutland")]


def test_unmet_demand_report_has_the_waiting_schools_by_name_and_every_associated_leader(
    alliance: Organisation,
) -> None:
    """The page's map and list of schools come with the rows: one place per request counted, by
    school name; every associated leader's home school, though supply counts only those who could
    be deployed now (an active designation and core training)."""
    zeta = factories.school("Zeta Primary", town="Louth")
    alpha = factories.school("Alpha Primary", lat=53.0, lon=-0.4, local_authority="Rutland")
    factories.support_request(zeta, alliance, needs=("maths", "english"))
    factories.support_request(alpha, alliance, needs=("maths",))
    factories.support_request(alpha, alliance, needs=("english",), status=RequestStatus.MATCHED)
    home = factories.school("Home")
    factories.leader(home, name="Deployable", organisation=alliance, release="2.5")
    factories.leader(home, name="Also deployable", organisation=alliance, release="10")
    factories.leader(home, name="Untrained", organisation=alliance, trained=False)
    factories.leader(
        home,
        name="Under review",
        organisation=alliance,
        designation_status=DesignationStatus.UNDER_REVIEW,
    )
    factories.leader(home, name="Elsewhere")  # not associated
    report = unmet_demand_report(alliance, factories.YEAR)
    assert [(name, town, area) for _, _, name, town, area in report.waiting] == [
        ("Alpha Primary", alpha.town, "Rutland"),
        ("Zeta Primary", "Louth", zeta.local_authority),
    ]
    assert report.waiting[0][:2] == (53.0, -0.4)
    assert sorted(name for _, _, name in report.leaders) == [
        "Also deployable",
        "Deployable",
        "Under review",
        "Untrained",
    ]
    table = {(r.specialism, r.area): r for r in report.rows}
    maths = table[("maths", zeta.local_authority)]
    assert (maths.leaders, maths.leaders_in_area) == (2, 2)
    assert maths.remaining_days == maths.remaining_days_in_area == Decimal("12.5")
    rutland = table[("maths", "Rutland")]
    assert (rutland.leaders, rutland.leaders_in_area) == (2, 0)
    assert rutland.remaining_days_in_area == 0
    assert rutland.gap_days == Decimal("5")
    assert report.rows == unmet_demand(alliance, factories.YEAR)
