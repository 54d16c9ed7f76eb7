"""The demo: real brokers on real schools, synthetic people, one password, built idempotently."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.core.models import Event
from syslead.demo import DEMO_PASSWORD
from syslead.demo.organisations import DemoOrganisations
from syslead.demo.people import FEATURED_EMAILS, plan_people
from syslead.organisations.models import (
    KnownBroker,
    KnownBrokerSource,
    Organisation,
    OrganisationKind,
)
from syslead.schools.models import OfstedRating, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(built_demo: str) -> DemoOrganisations:
    return DemoOrganisations(
        alliance=Organisation.objects.get(name="KYRA Teaching School Alliance"),
        local_authority=Organisation.objects.get(name="South Gloucestershire Council"),
        hub=Organisation.objects.get(name="L.E.A.D. Teaching School Hub Lincolnshire"),
    )


def test_demo_brokers_are_the_real_alliance_authority_and_hub(demo: DemoOrganisations) -> None:
    assert demo.alliance.kind == OrganisationKind.TEACHING_SCHOOL_ALLIANCE
    assert demo.alliance.lead_school is not None
    assert demo.alliance.lead_school.urn == 137551
    assert demo.alliance.lead_school.name == "Mount Street Academy"
    assert demo.local_authority.kind == OrganisationKind.LOCAL_AUTHORITY
    assert demo.local_authority.local_authority_name == "South Gloucestershire"
    assert demo.hub.kind == OrganisationKind.TEACHING_SCHOOL_HUB
    assert demo.hub.area_names == (
        "Boston;Lincoln;North Kesteven;South Holland;South Kesteven;East Lindsey;West Lindsey"
    )
    assert Event.objects.filter(verb="organisation.created").count() == 3


def test_the_demo_loads_the_lists_and_sets_its_brokers_up_from_them(
    demo: DemoOrganisations,
) -> None:
    """docs/going-live.md: the demo brokers are picked from the lists, as an administrator would."""
    assert KnownBroker.objects.filter(source=KnownBrokerSource.TEACHING_SCHOOL_HUB).count() == 87
    for organisation, source in (
        (demo.alliance, KnownBrokerSource.TEACHING_SCHOOL_ALLIANCE),
        (demo.local_authority, KnownBrokerSource.LOCAL_AUTHORITY),
        (demo.hub, KnownBrokerSource.TEACHING_SCHOOL_HUB),
    ):
        assert organisation.known_broker is not None
        assert organisation.known_broker.source == source


def test_demo_has_about_150_people_and_someone_in_every_role(demo: DemoOrganisations) -> None:
    plans = plan_people(demo)
    assert 140 <= len(plans) + 1 <= 160  # and the administrator
    assert User.objects.filter(email__in=[p.email for p in plans]).count() == len(plans)
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    for organisation in demo.all():
        roles = set(organisation.role_assignments.values_list("role", flat=True))
        assert {Role.COORDINATOR, Role.BROKER_LEAD} <= roles
    assert demo.local_authority.role_assignments.filter(role=Role.SIP).exists()


def test_headteachers_lead_real_schools_in_the_two_areas(demo: DemoOrganisations) -> None:
    heads = RoleAssignment.objects.filter(role=Role.HEADTEACHER).select_related("school")
    areas = {a.school.local_authority for a in heads if a.school}
    assert areas == {"Lincolnshire", "South Gloucestershire"}
    assert heads.count() >= 90
    assert len({a.school_id for a in heads}) == heads.count()  # one demo head per school


def test_system_leaders_have_good_home_schools_for_the_leaders_area(
    demo: DemoOrganisations,
) -> None:
    from syslead.demo.people import build_people

    people = build_people(
        administrator=User.objects.get(email=FEATURED_EMAILS[0]), organisations=demo
    )
    leaders = people.leaders(demo)
    assert len(leaders) == 45
    assert all(leader.user.role_assignments.filter(role=Role.SYSTEM_LEADER) for leader in leaders)
    schools = School.objects.filter(urn__in=[leader.home_school_urn for leader in leaders])
    assert {s.ofsted_rating for s in schools} <= {OfstedRating.GOOD, OfstedRating.OUTSTANDING}
    assert {leader.broker for leader in leaders} == set(demo.all())


def test_the_plan_is_the_same_every_time(demo: DemoOrganisations) -> None:
    assert plan_people(demo) == plan_people(demo)


def test_every_featured_person_signs_in_with_the_documented_password(
    demo: DemoOrganisations,
) -> None:
    for email in FEATURED_EMAILS:
        client = Client()
        response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200


def test_demo_logins_prints_role_name_email_and_the_password(demo: DemoOrganisations) -> None:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    assert re.search(r"^Coordinator, KYRA Teaching School Alliance +Alice Hart +alice", text, re.M)
    assert "alice.hart@kyra.example" in text
    assert "School improvement partner, South Gloucestershire Council" in text
    for email in FEATURED_EMAILS:
        assert email in text
    everyone = io.StringIO()
    call_command("demo_logins", "--all", stdout=everyone)
    assert len(everyone.getvalue().splitlines()) == 3 + User.objects.count()


def test_readme_documents_the_demo_password() -> None:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert DEMO_PASSWORD in readme
