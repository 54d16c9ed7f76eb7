"""POST /organisations/{id}/imports/leaders?dry_run=true|false with a CSV body: all or nothing,
every bad row listed, updates by e-mail, idempotent, associated with the organisation, 10 MB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from syslead.accounts.models import ApiToken, Role, User
from syslead.core.academic_years import AcademicYear
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationType,
    LeaderProfile,
    ReleaseAgreement,
)
from syslead.leaders.services import association_create, designation_create, leader_create
from syslead.organisations.models import Organisation
from syslead.schools.models import School

HEADER = (
    "email,first_name,last_name,home_school,job_title,designation,designated_on,specialisms,"
    "phases,release_days,academic_year"
)
YEAR = AcademicYear.current().label


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def _row(email: str = "lee@school.test", **over: str) -> str:
    cells = {
        "email": email,
        "first_name": "Lee",
        "last_name": "Turner",
        "home_school": "120002",
        "job_title": "Deputy headteacher",
        "designation": "SLE",
        "designated_on": "2024-09-01",
        "specialisms": "maths;english",
        "phases": "primary",
        "release_days": "10",
        "academic_year": YEAR,
    }
    cells.update(over)
    return ",".join(cells.values())


class Poster:
    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {ApiToken.issue(user)[1]}"

    def __call__(
        self,
        organisation: Organisation | int,
        body: bytes,
        *,
        dry_run: bool | None = None,
        content_type: str = "text/csv",
    ) -> Any:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        url = f"/api/v1/organisations/{org_id}/imports/leaders"
        if dry_run is not None:
            url += f"?dry_run={'true' if dry_run else 'false'}"
        return self.client.post(url, data=body, content_type=content_type, headers=self.headers)


@pytest.fixture
def post(db: None) -> Callable[[User | None], Poster]:
    return Poster


@pytest.fixture
def schools(home_school: School, client_school: School) -> None:
    return None


def test_every_valid_row_creates_a_leader_with_its_records(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    response = post(coordinator)(
        alliance, _csv(_row(), _row("ann@school.test", designation="", designated_on=""))
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 0, 0)
    assert body["rejected"] == []
    lee = LeaderProfile.objects.get(user__email="lee@school.test")
    assert body["leaders"][0] == {"line": 2, "id": lee.pk, "email": "lee@school.test"}
    assert body["leaders"][1]["line"] == 3
    assert lee.user.name == "Lee Turner"
    assert lee.home_school_id == 120002
    assert sorted(lee.specialisms.values_list("code", flat=True)) == ["english", "maths"]
    assert list(lee.phase_rows.values_list("phase", flat=True)) == ["primary"]
    designation = Designation.objects.get(leader=lee)
    assert (designation.type.code, designation.designated_on) == ("SLE", dt.date(2024, 9, 1))
    assert (
        Association.objects.filter(
            leader__in=[lee.pk, body["leaders"][1]["id"]], organisation=alliance, is_live=True
        ).count()
        == 2
    )
    assert ReleaseAgreement.objects.get(leader=lee, academic_year=YEAR).days == Decimal("10")
    assert lee.user.role_assignments.filter(role=Role.SYSTEM_LEADER).exists()


def test_any_bad_row_writes_nothing_and_every_bad_row_is_listed(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    users_before = User.objects.count()
    response = post(coordinator)(
        alliance,
        _csv(
            _row("good@school.test"),
            _row("bad-school@school.test", home_school="999999"),
            _row("good2@school.test"),
            _row("not-an-email"),
            _row("no-date@school.test", designated_on=""),
            _row("date-alone@school.test", designation=""),
            _row("half@school.test", academic_year=""),
            _row("phase@school.test", phases="primary;college"),
            _row("spec@school.test", specialisms="maths;knitting"),
            _row("type@school.test", designation="XYZ"),
        ),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert [r["line"] for r in body["rejected"]] == [3, 5, 6, 7, 8, 9, 10, 11]
    reasons = {r["line"]: r["reason"] for r in body["rejected"]}
    assert "999999" in reasons[3]
    assert "designated_on" in reasons[6]
    assert "designated_on" in reasons[7]
    assert "academic_year" in reasons[8]
    assert "college" in reasons[9]
    assert "knitting" in reasons[10]
    assert "XYZ" in reasons[11]
    assert User.objects.count() == users_before
    assert not LeaderProfile.objects.exists()
    assert not Association.objects.exists()


def test_a_repeated_email_in_the_file_is_refused(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    response = post(coordinator)(alliance, _csv(_row(), _row("LEE@school.test")))
    assert response.status_code == 422
    assert response.json()["rejected"] == [
        {"line": 3, "reason": "email: lee@school.test is also on line 2"}
    ]


def test_importing_the_same_file_twice_reports_every_row_unchanged(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    body = _csv(
        _row(),
        _row(
            "ann@school.test", designation="", designated_on="", release_days="", academic_year=""
        ),
    )
    first = post(coordinator)(alliance, body)
    assert first.json()["created"] == 2
    second = post(coordinator)(alliance, body)
    assert second.status_code == 200
    assert (second.json()["created"], second.json()["updated"], second.json()["unchanged"]) == (
        0,
        0,
        2,
    )
    assert [r["id"] for r in second.json()["leaders"]] == [r["id"] for r in first.json()["leaders"]]
    assert LeaderProfile.objects.count() == 2
    assert Designation.objects.count() == 1


def test_a_row_for_an_existing_leader_updates_it_and_never_duplicates(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    post(coordinator)(alliance, _csv(_row()))
    response = post(coordinator)(
        alliance, _csv(_row(job_title="Headteacher", specialisms="science", release_days="12"))
    )
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["updated"]) == (0, 1)
    leader = LeaderProfile.objects.get()
    assert leader.job_title == "Headteacher"
    assert list(leader.specialisms.values_list("code", flat=True)) == ["science"]
    assert ReleaseAgreement.objects.get(leader=leader).days == Decimal("12")


def test_an_existing_account_without_a_profile_becomes_a_leader(
    post: Any, coordinator: User, alliance: Organisation, schools: None, client_head: User
) -> None:
    response = post(coordinator)(alliance, _csv(_row(client_head.email)))
    assert response.json()["created"] == 1
    assert LeaderProfile.objects.get().user == client_head


def test_a_dry_run_answers_the_same_and_writes_nothing(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    response = post(coordinator)(alliance, _csv(_row(), _row("ann@school.test")), dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 0, 0)
    assert [r["line"] for r in body["leaders"]] == [2, 3]
    assert not LeaderProfile.objects.exists()
    assert not User.objects.filter(email="lee@school.test").exists()
    bad = post(coordinator)(alliance, _csv(_row(home_school="999999")), dry_run=True)
    assert bad.status_code == 422
    assert bad.json()["rejected"][0]["line"] == 2


def test_dry_run_false_writes(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    assert post(coordinator)(alliance, _csv(_row()), dry_run=False).status_code == 200
    assert LeaderProfile.objects.count() == 1


def test_an_lle_associated_with_another_organisation_is_rejected(
    post: Any,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    schools: None,
    leader_user: User,
) -> None:
    leader = leader_create(
        actor=other_coordinator,
        user=leader_user,
        home_school_urn=120002,
        job_title="Head",
        specialisms=["maths"],
        phases=["primary"],
        organisation=other_org,
    )
    designation_create(
        actor=other_coordinator,
        leader=leader,
        type_code="LLE",
        designated_on=dt.date(2024, 9, 1),
        organisation=other_org,
    )
    response = post(coordinator)(alliance, _csv(_row(leader_user.email, designation="LLE")))
    assert response.status_code == 422
    rejected = response.json()["rejected"]
    assert rejected[0]["line"] == 2
    assert "LLE" in rejected[0]["reason"] or "another organisation" in rejected[0]["reason"]
    assert other_org.name not in rejected[0]["reason"]
    assert not Association.objects.filter(organisation=alliance).exists()


def test_an_lle_the_organisation_manages_but_associated_elsewhere_is_rejected(
    post: Any,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    schools: None,
    leader_user: User,
) -> None:
    leader = leader_create(
        actor=coordinator,
        user=leader_user,
        home_school_urn=120002,
        job_title="Head",
        specialisms=["maths"],
        phases=["primary"],
        organisation=alliance,
    )
    association_create(
        actor=other_coordinator,
        leader=leader,
        organisation=other_org,
        starts_on=dt.date(2025, 1, 1),
    )
    designation_create(
        actor=other_coordinator,
        leader=leader,
        type_code="LLE",
        designated_on=dt.date(2025, 1, 2),
        organisation=other_org,
    )
    response = post(coordinator)(
        alliance,
        _csv(
            _row(
                leader_user.email,
                designation="",
                designated_on="",
                job_title="Head",
                specialisms="maths",
            )
        ),
    )
    assert response.status_code == 422
    reason = response.json()["rejected"][0]["reason"]
    assert "LLE" in reason
    assert other_org.name not in reason


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1252"], ids=["utf8", "utf8-bom", "windows-1252"]
)
def test_encodings(
    post: Any, coordinator: User, alliance: Organisation, schools: None, encoding: str
) -> None:
    text = HEADER + "\r\n" + _row(first_name="Zoë", last_name="O’Brien") + "\r\n"
    response = post(coordinator)(alliance, text.encode(encoding))
    assert response.status_code == 200, response.json()
    assert LeaderProfile.objects.get().user.name == "Zoë O’Brien"


def test_a_body_over_10_mb_is_413_json(
    post: Any, coordinator: User, alliance: Organisation
) -> None:
    body = _csv() + b"x" * (10 * 1024 * 1024)
    response = post(coordinator)(alliance, body)
    assert response.status_code == 413
    assert "detail" in response.json()


def test_a_body_over_the_apis_25_mb_but_under_10_mb_is_read(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    padded_row = _row() + "," * (3 * 1024 * 1024)  # empty cells after the last column
    response = post(coordinator)(alliance, _csv(padded_row))
    assert response.status_code == 200, response.content[:300]
    assert response.json()["created"] == 1


@pytest.mark.parametrize(
    "header",
    [
        HEADER.replace("job_title,", ""),
        HEADER + ",notes",
        "",
    ],
    ids=["missing", "extra", "empty"],
)
def test_a_wrong_header_is_rejected_on_line_1(
    post: Any, coordinator: User, alliance: Organisation, schools: None, header: str
) -> None:
    response = post(coordinator)(alliance, _csv(_row(), header=header) if header else b"")
    assert response.status_code == 422
    assert response.json()["rejected"][0]["line"] == 1


def test_bytes_that_are_not_text_are_422(
    post: Any, coordinator: User, alliance: Organisation
) -> None:
    response = post(coordinator)(alliance, b"\x81\x8d\x8f\x90\x9d" * 10)
    assert response.status_code == 422
    assert response.json()["rejected"][0]["line"] == 1


def test_a_bad_dry_run_value_is_422(post: Any, coordinator: User, alliance: Organisation) -> None:
    response = Poster(coordinator).client.post(
        f"/api/v1/organisations/{alliance.pk}/imports/leaders?dry_run=maybe",
        data=_csv(_row()),
        content_type="text/csv",
        headers=Poster(coordinator).headers,
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "persona", ["other_coordinator", "broker_lead", "sip", "leader_user", "client_head", "stranger"]
)
def test_only_a_coordinator_of_the_organisation_imports(
    post: Any, alliance: Organisation, schools: None, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    response = post(user)(alliance, _csv(_row()))
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not LeaderProfile.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe\x00\x00not text", b"no,such,header\r\n", b"x" * (10 * 1024 * 1024 + 1)],
    ids=["not-text", "wrong-header", "over-10-mb"],
)
def test_who_may_import_is_decided_before_the_file_is_read(
    post: Any, alliance: Organisation, other_coordinator: User, body: bytes
) -> None:
    """Another organisation's coordinator is refused (403) whatever the file: never told the
    file's faults (422) or its size (413)."""
    response = post(other_coordinator)(alliance, body)
    assert response.status_code == 403
    assert "detail" in response.json()


def test_anonymous_is_401(post: Any, alliance: Organisation) -> None:
    assert post(None)(alliance, _csv(_row())).status_code == 401


def test_an_unknown_organisation_is_404(post: Any, coordinator: User) -> None:
    response = post(coordinator)(987654, _csv(_row()))
    assert response.status_code == 404
    assert "detail" in response.json()


def test_an_administrator_imports_for_any_organisation(
    post: Any, administrator: User, other_org: Organisation, schools: None
) -> None:
    assert post(administrator)(other_org, _csv(_row())).status_code == 200


def test_an_organisations_own_designation_type_is_accepted(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    DesignationType.objects.create(code="MLE", name="Maths lead", organisation=alliance)
    response = post(coordinator)(alliance, _csv(_row(designation="mle")))
    assert response.status_code == 200, response.json()
    assert Designation.objects.get().type.code == "MLE"


def test_release_days_above_the_cap_are_rejected(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    response = post(coordinator)(alliance, _csv(_row(release_days="40")))
    assert response.status_code == 422
    assert "cap" in response.json()["rejected"][0]["reason"]


def test_an_email_address_too_long_to_store_is_a_bad_row(
    post: Any, coordinator: User, alliance: Organisation, schools: None
) -> None:
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".test"
    response = post(coordinator)(alliance, _csv(_row(email)))
    assert response.status_code == 422
    assert response.json()["rejected"][0]["line"] == 2
