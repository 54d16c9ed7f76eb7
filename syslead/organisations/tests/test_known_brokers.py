"""Setting up a broker from the shipped lists (docs/going-live.md): loading the lists (command,
idempotent, all or nothing), the set-up rule (administrators only, lead school we hold, one
organisation per entry, backed by a constraint), and the administrator's pages."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client

from conftest import make_school
from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.organisations.broker_lists import BrokerListError
from syslead.organisations.models import (
    KnownBroker,
    KnownBrokerSource,
    Organisation,
    OrganisationKind,
)
from syslead.organisations.services import (
    BrokerListsRefused,
    known_brokers_load,
    organisation_set_up_from_list,
)
from syslead.schools.models import School

pytestmark = pytest.mark.django_db

HUBS = "teaching_school_hubs_2025-09-30.csv.gz"
TEACHING_SCHOOLS = "teaching_schools_2018-03-12.csv.gz"


@pytest.fixture
def shipped(settings: Any) -> Path:
    return Path(settings.SYSLEAD_DATA_DIR)


def _copy(shipped: Path, tmp_path: Path) -> Path:
    for name in (HUBS, TEACHING_SCHOOLS):
        shutil.copy(shipped / name, tmp_path / name)
    return tmp_path


def _append(path: Path, line: str) -> None:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    path.write_bytes(gzip.compress((text.rstrip("\n") + "\n" + line + "\n").encode("utf-8")))


def _hub(name: str = "L.E.A.D. Teaching School Hub Lincolnshire") -> KnownBroker:
    return KnownBroker.objects.get(source=KnownBrokerSource.TEACHING_SCHOOL_HUB, name=name)


# Loading the lists -------------------------------------------------------------------------


def test_loading_the_lists_makes_one_entry_per_hub_alliance_and_local_authority(
    shipped: Path, client_school: School
) -> None:
    make_school(120900, "Yate Academy", local_authority="South Gloucestershire")
    loaded = known_brokers_load(data_dir=shipped)

    assert loaded.by_source[KnownBrokerSource.TEACHING_SCHOOL_HUB] == 87
    alliances = KnownBroker.objects.filter(source=KnownBrokerSource.TEACHING_SCHOOL_ALLIANCE)
    assert alliances.count() == 640  # 808 teaching schools in 640 alliances (data/README.md)
    kyra = alliances.get(key="KYRA Teaching School Alliance")
    assert kyra.lead_urn is not None
    assert kyra.area == "Lincolnshire"
    assert "Lincoln" in _hub().area.split(";")
    las = KnownBroker.objects.filter(source=KnownBrokerSource.LOCAL_AUTHORITY)
    assert sorted(las.values_list("name", flat=True)) == ["Lincolnshire", "South Gloucestershire"]
    assert loaded.created == KnownBroker.objects.count()


def test_loading_the_lists_again_changes_nothing(shipped: Path, client_school: School) -> None:
    known_brokers_load(data_dir=shipped)
    count = KnownBroker.objects.count()
    again = known_brokers_load(data_dir=shipped)
    assert (again.created, again.updated, again.unchanged) == (0, 0, count)
    assert KnownBroker.objects.count() == count


def test_loading_updates_an_entry_the_list_now_describes_otherwise(shipped: Path) -> None:
    known_brokers_load(data_dir=shipped)
    hub = _hub()
    hub.area = "Nowhere"
    hub.save()
    assert known_brokers_load(data_dir=shipped).updated == 1
    hub.refresh_from_db()
    assert hub.area != "Nowhere"


def test_a_bad_row_loads_nothing_and_every_bad_row_is_named(shipped: Path, tmp_path: Path) -> None:
    data = _copy(shipped, tmp_path)
    _append(data / HUBS, "XX1,,www.example.org,0,Lincoln")  # no name
    _append(data / TEACHING_SCHOOLS, "An Alliance,A School,not-a-urn,Region,LA,RSC,T,P,R")
    _append(data / TEACHING_SCHOOLS, "Short,row")
    with pytest.raises(BrokerListsRefused) as refused:
        known_brokers_load(data_dir=data)
    reasons = [str(problem) for problem in refused.value.problems]
    assert len(reasons) == 3
    assert any(HUBS.removesuffix(".gz") in r and "no area code or name" in r for r in reasons)
    assert any("line 810" in r and "not a URN" in r for r in reasons)
    assert KnownBroker.objects.count() == 0


def test_a_missing_list_loads_nothing(tmp_path: Path) -> None:
    with pytest.raises(BrokerListError):
        known_brokers_load(data_dir=tmp_path)
    assert KnownBroker.objects.count() == 0


def test_the_command_loads_the_lists_and_says_so(shipped: Path, client_school: School) -> None:
    out = _output(lambda stdout: call_command("load_broker_lists", stdout=stdout))
    assert "87 teaching school hubs" in out
    assert "640 teaching school alliances" in out
    assert "1 local authorities" in out
    out = _output(lambda stdout: call_command("load_broker_lists", stdout=stdout))
    assert "0 added, 0 updated" in out


def test_the_command_refuses_a_bad_file_and_names_the_rows(
    shipped: Path, tmp_path: Path, capsys: Any
) -> None:
    data = _copy(shipped, tmp_path)
    _append(data / HUBS, "XX1,,www.example.org,0,Lincoln")
    with pytest.raises(CommandError, match="Nothing loaded"):
        call_command("load_broker_lists", "--data-dir", str(data))
    assert "no area code or name" in capsys.readouterr().err
    assert KnownBroker.objects.count() == 0


def test_the_command_without_a_register_says_to_load_it_first(shipped: Path) -> None:
    out = _output(lambda stdout: call_command("load_broker_lists", stdout=stdout))
    assert "load the school register first" in out


def _output(run: Callable[[Any], None]) -> str:
    import io

    buffer = io.StringIO()
    run(buffer)
    return buffer.getvalue()


# The set-up rule ---------------------------------------------------------------------------


@pytest.fixture
def lists(shipped: Path, client_school: School) -> None:
    known_brokers_load(data_dir=shipped)


def test_an_administrator_sets_up_a_hub_with_its_listed_areas(
    lists: None, administrator: User
) -> None:
    hub = _hub()
    organisation = organisation_set_up_from_list(
        actor=administrator, entry=hub, name=hub.name, lead_school_urn=120001, area=hub.area
    )
    assert organisation.kind == OrganisationKind.TEACHING_SCHOOL_HUB
    assert organisation.known_broker == hub
    assert organisation.lead_school_id == 120001
    assert "Lincoln" in organisation.areas


def test_a_local_authority_is_set_up_with_its_la_as_its_area(
    lists: None, administrator: User
) -> None:
    la = KnownBroker.objects.get(source=KnownBrokerSource.LOCAL_AUTHORITY, key="Lincolnshire")
    organisation = organisation_set_up_from_list(
        actor=administrator,
        entry=la,
        name="Lincolnshire County Council",
        lead_school_urn=None,
        area=la.area,
    )
    assert organisation.kind == OrganisationKind.LOCAL_AUTHORITY
    assert organisation.local_authority_name == "Lincolnshire"


def test_only_an_administrator_sets_up_an_organisation(lists: None, coordinator: User) -> None:
    with pytest.raises(NotAllowed):
        organisation_set_up_from_list(
            actor=coordinator, entry=_hub(), name="A hub", lead_school_urn=None, area=""
        )
    assert not Organisation.objects.filter(known_broker__isnull=False).exists()


def test_a_lead_school_we_do_not_hold_is_refused_clearly(lists: None, administrator: User) -> None:
    with pytest.raises(ValidationError) as refused:
        organisation_set_up_from_list(
            actor=administrator, entry=_hub(), name="A hub", lead_school_urn=999999, area=""
        )
    assert (
        "We do not hold a school with URN 999999"
        in refused.value.message_dict["lead_school_urn"][0]
    )
    assert not Organisation.objects.filter(name="A hub").exists()


def test_an_entry_is_set_up_only_once(lists: None, administrator: User) -> None:
    hub = _hub()
    organisation_set_up_from_list(
        actor=administrator, entry=hub, name="First", lead_school_urn=None, area=hub.area
    )
    with pytest.raises(RuleViolation, match="already set up as First"):
        organisation_set_up_from_list(
            actor=administrator, entry=hub, name="Second", lead_school_urn=None, area=hub.area
        )
    assert Organisation.objects.filter(known_broker=hub).count() == 1


def test_the_database_refuses_a_second_organisation_from_the_same_entry(
    lists: None, administrator: User
) -> None:
    hub = _hub()
    Organisation.objects.create(name="One", kind="other", slug="one", known_broker=hub)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Two", kind="other", slug="two", known_broker=hub)


# The pages ---------------------------------------------------------------------------------


def test_the_pick_page_searches_by_name_or_area(
    lists: None, administrator: User, login: Callable[[User], Client]
) -> None:
    client = login(administrator)
    by_name = client.get("/brokers/new/", {"q": "L.E.A.D."}).content.decode()
    assert "L.E.A.D. Teaching School Hub Lincolnshire" in by_name
    assert "Saffron Teaching School Hub" not in by_name
    by_area = client.get("/brokers/new/", {"q": "Chelmsford", "source": "hub_2025"})
    page = by_area.content.decode()
    assert "Saffron Teaching School Hub" in page
    assert "Alliance" not in page.split("<tbody")[1]


def test_the_pick_page_stays_within_its_query_budget(
    lists: None,
    administrator: User,
    login: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = login(administrator)
    client.get("/brokers/new/")
    for entry in KnownBroker.objects.filter(source=KnownBrokerSource.TEACHING_SCHOOL_HUB)[:20]:
        Organisation.objects.create(
            name=entry.name, kind="teaching_school_hub", slug=f"hub-{entry.pk}", known_broker=entry
        )
    with django_assert_max_num_queries(8):
        response = client.get("/brokers/new/", {"source": "hub_2025"})
    assert response.content.decode().count("Set up as") == 20


@pytest.mark.parametrize(
    "query",
    [
        {"q": "x" * 500},
        {"source": "nonsense"},
        {"q": "\x00"},
        {"q": ["a", "b"]},
    ],
)
def test_bad_searches_get_a_page_never_a_5xx(
    lists: None, administrator: User, login: Callable[[User], Client], query: dict[str, Any]
) -> None:
    response = login(administrator).get("/brokers/new/", query)
    assert response.status_code == 200


def test_setting_up_from_the_page(
    lists: None, administrator: User, login: Callable[[User], Client]
) -> None:
    client = login(administrator)
    hub = _hub()
    page = client.get("/brokers/new/set-up/", {"entry": hub.pk}).content.decode()
    assert hub.name in page
    assert 'name="lead_school_urn"' in page
    response = client.post(
        f"/brokers/new/set-up/?entry={hub.pk}",
        {"name": "L.E.A.D. Hub", "lead_school_urn": "120001", "area": hub.area},
    )
    organisation = Organisation.objects.get(known_broker=hub)
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.slug}/"
    assert organisation.lead_school_id == 120001


def test_an_unknown_lead_school_urn_is_shown_on_its_field(
    lists: None, administrator: User, login: Callable[[User], Client]
) -> None:
    hub = _hub()
    response = login(administrator).post(
        f"/brokers/new/set-up/?entry={hub.pk}",
        {"name": "L.E.A.D. Hub", "lead_school_urn": "999999", "area": hub.area},
    )
    assert response.status_code == 200
    assert "We do not hold a school with URN 999999" in response.content.decode()
    assert not Organisation.objects.filter(known_broker=hub).exists()


def test_an_entry_already_set_up_says_so(
    lists: None, administrator: User, login: Callable[[User], Client]
) -> None:
    hub = _hub()
    organisation_set_up_from_list(
        actor=administrator, entry=hub, name="First", lead_school_urn=None, area=hub.area
    )
    client = login(administrator)
    page = client.get("/brokers/new/set-up/", {"entry": hub.pk}).content.decode()
    assert "already set up as" in page
    response = client.post(
        f"/brokers/new/set-up/?entry={hub.pk}", {"name": "Second", "area": hub.area}
    )
    assert response.status_code == 200
    assert "already set up as First" in response.content.decode()
    assert Organisation.objects.filter(known_broker=hub).count() == 1


@pytest.mark.parametrize(
    ("entry", "data"),
    [
        ("abc", {}),
        ("99999999999999999999", {}),
        ("999999", {}),
        ("{hub}", {"name": "", "lead_school_urn": "-1"}),
        ("{hub}", {"name": "x" * 300, "lead_school_urn": "1" * 30}),
        ("{hub}", {"name": "A", "lead_school_urn": "12a", "area": "y" * 2000}),
        ("{hub}", {"name": "\x00", "lead_school_urn": ["1", "2"]}),
    ],
)
def test_bad_input_on_the_set_up_page_is_never_a_5xx(
    lists: None,
    administrator: User,
    login: Callable[[User], Client],
    entry: str,
    data: dict[str, Any],
) -> None:
    entry = entry.replace("{hub}", str(_hub().pk))
    response = login(administrator).post(f"/brokers/new/set-up/?entry={entry}", data)
    assert response.status_code in (200, 404)
    assert not Organisation.objects.filter(known_broker__isnull=False).exists()


@pytest.mark.parametrize("who", ["coordinator", "broker_lead", "client_head"])
def test_only_administrators_reach_the_pages(
    lists: None, who: str, request: pytest.FixtureRequest, login: Callable[[User], Client]
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get("/brokers/new/").status_code == 403
    assert client.get("/brokers/new/set-up/", {"entry": _hub().pk}).status_code == 403


def test_the_people_page_offers_administrators_alone_the_lists(
    administrator: User, coordinator: User, login: Callable[[User], Client]
) -> None:
    assert "/brokers/new/" in login(administrator).get("/people/").content.decode()
    assert "/brokers/new/" not in login(coordinator).get("/people/").content.decode()
