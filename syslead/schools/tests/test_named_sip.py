"""A school's named SIP (docs/rules.md, "The school's named SIP"): the one lookup
(``schools.sips.school_sip``), who may name whom, one current naming per school with the history
kept, and ending a naming."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import make_school, make_user
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.core.exceptions import NotAllowed
from syslead.core.models import Event
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import NamedSip, School
from syslead.schools.sips import (
    end_named_sip,
    name_sip,
    named_sip_pairs,
    school_sip,
)

TODAY = timezone.localdate()


@pytest.fixture
def lincs(db: None) -> Organisation:
    return Organisation.objects.create(
        name="Lincolnshire County Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        slug="lincolnshire",
        local_authority_name="Lincolnshire",
    )


@pytest.fixture
def lincs_coordinator(lincs: Organisation) -> User:
    return make_user("lou@lincs.test", "Lou Coordinator", (Role.COORDINATOR, lincs))


@pytest.fixture
def sally(lincs: Organisation) -> User:
    return make_user("sally@lincs.test", "Sally Partner", (Role.SIP, lincs))


@pytest.fixture
def sam(lincs: Organisation) -> User:
    return make_user("sam@lincs.test", "Sam Partner", (Role.SIP, lincs))


def _name(actor: User, org: Organisation, school: School, sip: User, **kw: object) -> NamedSip:
    return name_sip(actor=actor, organisation=org, school=school, sip=sip, **kw)  # type: ignore[arg-type]


def test_a_school_without_a_named_sip_has_none_not_every_sip_of_the_authority(
    lincs: Organisation, sally: User, client_school: School
) -> None:
    """Rule: the lookup falls back to nobody (docs/rules.md, "The school's named SIP")."""
    assert school_sip(client_school) is None


def test_the_coordinator_names_a_sip_and_the_lookup_finds_them(
    lincs: Organisation, lincs_coordinator: User, sally: User, client_school: School
) -> None:
    named = _name(lincs_coordinator, lincs, client_school, sally)
    assert named.starts_on == TODAY
    assert named.ends_on is None
    assert school_sip(client_school) == sally
    assert school_sip(client_school.urn, organisation=lincs) == sally
    assert named_sip_pairs(sally) == {(lincs.pk, client_school.urn)}
    event = Event.objects.get(verb="school.sip_named")
    assert event.data["school"] == client_school.urn


def test_naming_another_sip_ends_the_current_one_and_keeps_the_history(
    lincs: Organisation, lincs_coordinator: User, sally: User, sam: User, client_school: School
) -> None:
    """Rule: one current SIP per school, history kept with dates."""
    first = _name(
        lincs_coordinator, lincs, client_school, sally, starts_on=TODAY - dt.timedelta(30)
    )
    _name(lincs_coordinator, lincs, client_school, sam)
    first.refresh_from_db()
    assert first.ends_on == TODAY
    assert school_sip(client_school) == sam
    assert list(NamedSip.objects.filter(school=client_school).values_list("sip", flat=True)) == [
        sam.pk,
        sally.pk,
    ]


def test_the_database_keeps_one_current_naming_per_school(
    lincs: Organisation, sally: User, sam: User, client_school: School
) -> None:
    """Rule: one current SIP per school is a database constraint, whatever writes the rows."""
    NamedSip.objects.create(school=client_school, organisation=lincs, sip=sally, starts_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        NamedSip.objects.create(school=client_school, organisation=lincs, sip=sam, starts_on=TODAY)


def test_only_the_authoritys_coordinators_name_a_sip(
    lincs: Organisation,
    sally: User,
    client_school: School,
    coordinator: User,
    alliance: Organisation,
) -> None:
    """Rule: set by a coordinator of the LA (or an administrator); another broker's coordinator
    and the SIP themselves may not; a teaching school alliance names no SIPs."""
    for someone in (coordinator, sally):
        with pytest.raises(NotAllowed):
            _name(someone, lincs, client_school, sally)
    alliance_sip = make_user("tess@kyra.test", "Tess Partner", (Role.SIP, alliance))
    with pytest.raises(NotAllowed):
        _name(coordinator, alliance, client_school, alliance_sip)
    assert not NamedSip.objects.exists()


def test_an_administrator_names_a_sip(
    lincs: Organisation, administrator: User, sally: User, client_school: School
) -> None:
    assert _name(administrator, lincs, client_school, sally).sip == sally


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("outside the area", "school"),
        ("not a SIP of the authority", "sip"),
        ("in the future", "starts_on"),
        ("already named", "sip"),
    ],
)
def test_a_naming_is_refused_field_by_field(
    lincs: Organisation,
    lincs_coordinator: User,
    sally: User,
    client_school: School,
    far_school: School,
    other_org: Organisation,
    case: str,
    field: str,
) -> None:
    """Rule: the school is of the LA's area; the person holds the SIP role in the LA; the date is
    not in the future; naming the SIP already named changes nothing."""
    school, sip, starts_on = client_school, sally, TODAY
    if case == "outside the area":
        school = far_school
    elif case == "not a SIP of the authority":
        sip = make_user("otto@sglos.test", "Otto Partner", (Role.SIP, other_org))
    elif case == "in the future":
        starts_on = TODAY + dt.timedelta(days=1)
    else:
        _name(lincs_coordinator, lincs, client_school, sally)
    with pytest.raises(ValidationError) as refused:
        _name(lincs_coordinator, lincs, school, sip, starts_on=starts_on)
    assert field in refused.value.message_dict
    assert NamedSip.objects.count() == (1 if case == "already named" else 0)


def test_a_sip_who_leaves_the_authority_is_nobodys_sip(
    lincs: Organisation, lincs_coordinator: User, sally: User, client_school: School
) -> None:
    """Rule: a naming counts only while the person holds the SIP role in the naming LA."""
    _name(lincs_coordinator, lincs, client_school, sally)
    RoleAssignment.objects.filter(user=sally, role=Role.SIP).delete()
    fresh = User.objects.get(pk=sally.pk)
    assert school_sip(client_school) is None
    assert named_sip_pairs(fresh) == frozenset()


def test_the_lookup_with_an_organisation_counts_only_its_own_naming(
    lincs: Organisation, lincs_coordinator: User, sally: User, client_school: School
) -> None:
    """Rule: an agreement's SIP is the one named by the agreement's own organisation."""
    _name(lincs_coordinator, lincs, client_school, sally)
    elsewhere = Organisation.objects.create(
        name="Elsewhere Council", kind=OrganisationKind.LOCAL_AUTHORITY, slug="elsewhere"
    )
    assert school_sip(client_school, organisation=elsewhere) is None


def test_ending_a_naming_leaves_the_school_without_a_sip(
    lincs: Organisation, lincs_coordinator: User, sally: User, client_school: School
) -> None:
    named = _name(lincs_coordinator, lincs, client_school, sally)
    with pytest.raises(NotAllowed):
        end_named_sip(actor=sally, named=named)
    ended = end_named_sip(actor=lincs_coordinator, named=named)
    assert ended.ends_on == TODAY
    assert school_sip(client_school) is None
    assert Event.objects.filter(verb="school.sip_ended").exists()


def test_a_school_in_another_authority_is_outside_the_area(
    lincs: Organisation, lincs_coordinator: User, sally: User
) -> None:
    closed = make_school(120555, "Closed Primary", is_open=False)
    with pytest.raises(ValidationError):
        _name(lincs_coordinator, lincs, closed, sally)
