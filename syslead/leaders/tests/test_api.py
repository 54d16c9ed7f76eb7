"""The contract's "System leaders" endpoints: paths, fields, status codes and who may call them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from conftest import ApiClient, make_user
from syslead.accounts.access import roles_of
from syslead.accounts.models import Role, User
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationStatus,
    LeaderProfile,
    ReleaseAgreement,
)
from syslead.leaders.tests.factories import associate
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Api = Callable[[User | None], ApiClient]


def _patch(client: ApiClient, path: str, body: dict[str, Any]) -> Any:
    """PATCH with a JSON body (the shared client speaks GET, POST, PUT and DELETE)."""
    return client.client.patch(
        f"/api/v1{path}",
        data=json.dumps(body),
        content_type="application/json",
        headers=client.headers,
    )


def _leader_body(who: User, school: School, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user": who.pk,
        "home_school": school.urn,
        "job_title": "Headteacher",
        "specialisms": ["leadership", "maths"],
        "phases": ["primary", "special"],
        "pen_portrait": "Headteacher of an outstanding primary for six years.",
        "core_training_completed_on": "2025-09-20",
    }
    body.update(extra)
    return body


def _share_with(leader: LeaderProfile, organisation: Organisation) -> None:
    """The leader's organisation shares the leader for one of ``organisation``'s requests (an
    approved commission), so ``organisation``'s coordinators see the leader."""
    from syslead.brokering.models import Commission, CommissionStatus, Route, SupportRequest
    from syslead.schools.models import School as SchoolModel

    owner = Association.objects.filter(leader=leader).values_list("organisation_id", flat=True)
    request = SupportRequest.objects.create(
        organisation=organisation,
        school=SchoolModel.objects.exclude(urn=leader.home_school_id).first() or leader.home_school,
        route=Route.SCHOOL,
        academic_year="2025-26",
        needs=["maths"],
        phase="primary",
        days_requested=2,
        summary="Maths leadership",
    )
    Commission.objects.create(
        support_request=request,
        leader=leader,
        owning_organisation_id=owner.first() or leader.created_by_organisation_id,
        status=CommissionStatus.APPROVED,
    )


# POST /leaders


def test_post_leaders_creates_a_leader_as_the_contract_says(
    api: Api, coordinator: User, home_school: School
) -> None:
    user = make_user("nina@mountstreet.test", "Nina New")
    response = api(coordinator).post("/leaders", _leader_body(user, home_school))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert isinstance(body["id"], int)
    assert body["user"] == user.pk
    assert body["home_school"] == home_school.urn
    assert body["job_title"] == "Headteacher"
    assert body["specialisms"] == ["leadership", "maths"]
    assert body["phases"] == ["primary", "special"]
    assert body["core_training_completed_on"] == "2025-09-20"
    assert body["designations"] == []
    assert body["associations"] == []
    assert Role.SYSTEM_LEADER in roles_of(User.objects.get(pk=user.pk))
    again = api(coordinator).get(f"/leaders/{body['id']}")
    assert again.status_code == 200
    assert again.json() == body


def test_post_leaders_accepts_a_null_core_training_date(
    api: Api, coordinator: User, home_school: School
) -> None:
    user = make_user("nina@mountstreet.test", "Nina New")
    response = api(coordinator).post(
        "/leaders", _leader_body(user, home_school, core_training_completed_on=None)
    )
    assert response.status_code == 201
    assert response.json()["core_training_completed_on"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"home_school": 999999}, "home_school"),
        ({"specialisms": ["maths", "knitting"]}, "specialisms"),
        ({"phases": ["university"]}, "phases"),
        ({"user": 999999}, "user"),
        ({"home_school": "Mount Street"}, "home_school"),
        ({"core_training_completed_on": "last year"}, "core_training_completed_on"),
        ({"job_title": ""}, "job_title"),
    ],
)
def test_post_leaders_with_an_invalid_field_is_422_naming_it(
    api: Api, coordinator: User, home_school: School, change: dict[str, Any], field: str
) -> None:
    user = make_user("nina@mountstreet.test", "Nina New")
    response = api(coordinator).post("/leaders", _leader_body(user, home_school, **change))
    assert response.status_code == 422
    body = response.json()
    assert field in body["errors"]
    assert isinstance(body["detail"], str)
    assert not LeaderProfile.objects.exists()


def test_post_leaders_without_a_required_field_is_422(
    api: Api, coordinator: User, home_school: School
) -> None:
    user = make_user("nina@mountstreet.test", "Nina New")
    body = _leader_body(user, home_school)
    del body["job_title"]
    response = api(coordinator).post("/leaders", body)
    assert response.status_code == 422
    assert "job_title" in response.json()["errors"]


def test_post_leaders_for_a_user_who_is_already_a_leader_is_422(
    api: Api, coordinator: User, leader: LeaderProfile, home_school: School
) -> None:
    response = api(coordinator).post("/leaders", _leader_body(leader.user, home_school))
    assert response.status_code == 422
    assert "user" in response.json()["errors"]


def test_only_coordinators_and_administrators_post_leaders(
    api: Api,
    home_school: School,
    stranger: User,
    home_head: User,
    leader_user: User,
    broker_lead: User,
    administrator: User,
) -> None:
    user = make_user("nina@mountstreet.test", "Nina New")
    for actor in (stranger, home_head, leader_user, broker_lead):
        response = api(actor).post("/leaders", _leader_body(user, home_school, user=999999))
        assert response.status_code == 403, actor
        assert response.json()["detail"]
    assert api(administrator).post("/leaders", _leader_body(user, home_school)).status_code == 201


def test_the_api_needs_a_token_and_valid_json(api: Api, coordinator: User) -> None:
    assert api(None).post("/leaders", {}).status_code == 401
    assert api(None).get("/leaders/1").status_code == 401
    response = api(coordinator).post("/leaders", raw="{not json")
    assert response.status_code == 400
    assert response.json()["detail"]


# GET /leaders/{id}


def test_get_leader_lists_designations_and_associations(
    api: Api, coordinator: User, lle: Designation, leader: LeaderProfile, alliance: Organisation
) -> None:
    body = api(coordinator).get(f"/leaders/{leader.pk}").json()
    (designation,) = body["designations"]
    assert designation == {
        "id": lle.pk,
        "type": "LLE",
        "status": "active",
        "designated_on": "2025-09-01",
        "organisation": alliance.pk,
        "review_on": "2028-09-01",
        "revoked_on": None,
    }
    (association,) = body["associations"]
    assert association["organisation"] == alliance.pk
    assert association["starts_on"] == "2025-09-01"
    assert association["ends_on"] is None
    assert isinstance(association["id"], int)


def test_who_may_read_a_leader(
    api: Api,
    leader: LeaderProfile,
    coordinator: User,
    broker_lead: User,
    sip: User,
    leader_user: User,
    home_head: User,
    administrator: User,
    other_coordinator: User,
    client_head: User,
    stranger: User,
) -> None:
    for user in (coordinator, broker_lead, sip, leader_user, home_head, administrator):
        assert api(user).get(f"/leaders/{leader.pk}").status_code == 200
    for user in (other_coordinator, client_head, stranger):
        response = api(user).get(f"/leaders/{leader.pk}")
        assert response.status_code == 404
        assert response.json()["detail"]
    assert api(coordinator).get("/leaders/999999").status_code == 404


# PATCH /leaders/{id}


def test_the_leader_edits_their_profile_through_the_api(
    api: Api, leader: LeaderProfile, leader_user: User, stranger: User
) -> None:
    response = _patch(
        api(leader_user),
        f"/leaders/{leader.pk}",
        {"job_title": "Deputy head", "phases": ["primary", "nursery"]},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["phases"] == ["nursery", "primary"]
    assert response.json()["job_title"] == "Deputy head"
    assert (
        _patch(api(leader_user), f"/leaders/{leader.pk}", {"is_headteacher": True}).status_code
        == 403
    )
    assert _patch(api(stranger), f"/leaders/{leader.pk}", {"job_title": "x"}).status_code == 404


# POST /leaders/{id}/designations


def test_post_designation_answers_as_the_contract_says_and_associates_the_lle(
    api: Api, coordinator: User, leader: LeaderProfile, alliance: Organisation
) -> None:
    response = api(coordinator).post(
        f"/leaders/{leader.pk}/designations",
        {"type": "LLE", "designated_on": "2025-09-01", "organisation": alliance.pk},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["type"] == "LLE"
    assert body["status"] == "active"
    assert body["designated_on"] == "2025-09-01"
    assert isinstance(body["id"], int)
    associations = api(coordinator).get(f"/leaders/{leader.pk}").json()["associations"]
    assert [a["organisation"] for a in associations] == [alliance.pk]


def test_designating_an_lle_already_associated_elsewhere_keeps_it_there(
    api: Api,
    coordinator: User,
    other_coordinator: User,
    leader: LeaderProfile,
    alliance: Organisation,
    other_org: Organisation,
) -> None:
    # The other organisation's coordinator sees the leader once shared with it (an approved
    # commission); only then may it associate the leader with its organisation.
    _share_with(leader, other_org)
    joined = api(other_coordinator).post(
        f"/leaders/{leader.pk}/associations",
        {"organisation": other_org.pk, "starts_on": "2025-06-01"},
    )
    assert joined.status_code == 201, joined.json()
    response = api(coordinator).post(
        f"/leaders/{leader.pk}/designations",
        {"type": "LLE", "designated_on": "2025-09-01", "organisation": alliance.pk},
    )
    assert response.status_code == 201
    live = Association.objects.filter(leader=leader, is_live=True)
    assert [a.organisation_id for a in live] == [other_org.pk]


def test_post_designation_refusals(
    api: Api,
    coordinator: User,
    leader: LeaderProfile,
    leader_user: User,
    home_head: User,
    other_coordinator: User,
    stranger: User,
    alliance: Organisation,
) -> None:
    url = f"/leaders/{leader.pk}/designations"
    body = {"type": "SLE", "designated_on": "2025-09-01", "organisation": alliance.pk}
    assert api(coordinator).post(url, {**body, "type": "XYZ"}).status_code == 422
    unknown_org = api(coordinator).post(url, {**body, "organisation": 999999})
    assert unknown_org.status_code == 422
    assert "organisation" in unknown_org.json()["errors"]
    assert api(coordinator).post(url, {**body, "designated_on": "soon"}).status_code == 422
    for actor in (leader_user, home_head):
        assert api(actor).post(url, body).status_code == 403
    for actor in (other_coordinator, stranger):
        assert api(actor).post(url, body).status_code == 404
    assert api(coordinator).post("/leaders/999999/designations", body).status_code == 404
    assert not Designation.objects.exists()
    assert api(coordinator).post(url, body).status_code == 201
    again = api(coordinator).post(url, body)
    assert again.status_code == 409
    assert again.json()["rule"] == "already_designated"
    assert "already holds" in again.json()["detail"]


# POST /designations/{id}/revoke


def test_revoke_answers_revoked(api: Api, coordinator: User, lle: Designation) -> None:
    response = api(coordinator).post(
        f"/designations/{lle.pk}/revoke", {"revoked_on": "2026-01-05", "reason": "Left headship."}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "revoked"
    assert Designation.objects.get(pk=lle.pk).status == DesignationStatus.REVOKED
    again = api(coordinator).post(
        f"/designations/{lle.pk}/revoke", {"revoked_on": "2026-01-06", "reason": "Again."}
    )
    assert again.status_code == 409


def test_revoke_refusals(
    api: Api,
    coordinator: User,
    lle: Designation,
    leader_user: User,
    home_head: User,
    other_coordinator: User,
    stranger: User,
) -> None:
    url = f"/designations/{lle.pk}/revoke"
    body = {"revoked_on": "2026-01-05", "reason": "Left headship."}
    no_reason = api(coordinator).post(url, {"revoked_on": "2026-01-05", "reason": " "})
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    assert api(coordinator).post(url, {"revoked_on": "2026-01-05"}).status_code == 422
    for actor in (leader_user, home_head):
        assert api(actor).post(url, body).status_code == 403
    for actor in (other_coordinator, stranger):
        assert api(actor).post(url, body).status_code == 404
    assert api(coordinator).post("/designations/999999/revoke", body).status_code == 404
    assert Designation.objects.get(pk=lle.pk).status == DesignationStatus.ACTIVE


# POST /leaders/{id}/associations


def test_post_association_answers_as_the_contract_says(
    api: Api, coordinator: User, leader: LeaderProfile, alliance: Organisation
) -> None:
    response = api(coordinator).post(
        f"/leaders/{leader.pk}/associations",
        {"organisation": alliance.pk, "starts_on": "2025-09-01"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisation"] == alliance.pk
    assert body["starts_on"] == "2025-09-01"
    assert isinstance(body["id"], int)


def test_an_lle_associated_with_one_organisation_cannot_join_another_409(
    api: Api,
    lle: Designation,
    leader: LeaderProfile,
    other_coordinator: User,
    other_org: Organisation,
) -> None:
    _share_with(leader, other_org)
    response = api(other_coordinator).post(
        f"/leaders/{leader.pk}/associations",
        {"organisation": other_org.pk, "starts_on": "2025-10-01"},
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "lle_exclusive_association"
    assert "KYRA Teaching School Alliance" in response.json()["detail"]
    assert not Association.objects.filter(organisation=other_org).exists()


def test_post_association_refusals(
    api: Api,
    coordinator: User,
    leader: LeaderProfile,
    leader_user: User,
    home_head: User,
    other_coordinator: User,
    stranger: User,
    alliance: Organisation,
) -> None:
    url = f"/leaders/{leader.pk}/associations"
    body = {"organisation": alliance.pk, "starts_on": "2025-09-01"}
    unknown = api(coordinator).post(url, {**body, "organisation": 999999})
    assert unknown.status_code == 422
    assert "organisation" in unknown.json()["errors"]
    for actor in (leader_user, home_head):
        assert api(actor).post(url, body).status_code == 403
    for actor in (other_coordinator, stranger):
        assert api(actor).post(url, body).status_code == 404
    assert not Association.objects.exists()
    assert api(coordinator).post(url, body).status_code == 201
    again = api(coordinator).post(url, body)
    assert again.status_code == 409
    assert again.json()["rule"] == "already_associated"


# POST /associations/{id}/end


def test_end_association(
    api: Api,
    coordinator: User,
    lle: Designation,
    leader: LeaderProfile,
    leader_user: User,
    other_coordinator: User,
    stranger: User,
) -> None:
    association = Association.objects.get(leader=leader)
    url = f"/associations/{association.pk}/end"
    body = {"ends_on": "2025-12-31", "reason": "Written notice from the LLE."}
    assert api(coordinator).post(url, {"ends_on": "2025-12-31", "reason": ""}).status_code == 422
    assert api(leader_user).post(url, body).status_code == 403
    for actor in (other_coordinator, stranger):
        assert api(actor).post(url, body).status_code == 404
    assert api(coordinator).post("/associations/999999/end", body).status_code == 404
    response = api(coordinator).post(url, body)
    assert response.status_code == 200, response.json()
    assert response.json()["ends_on"] == "2025-12-31"
    assert response.json()["notice_given_on"] is not None
    assert api(coordinator).post(url, body).status_code == 409


# PUT /leaders/{id}/release/{academic_year}


def test_put_release_by_the_home_headteacher(
    api: Api, leader: LeaderProfile, home_head: User
) -> None:
    response = api(home_head).put(
        f"/leaders/{leader.pk}/release/2025-26", {"days": 7.5, "agreed_on": "2025-09-05"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["days"] == 7.5
    assert response.json()["headteacher_consent_by"] == home_head.pk
    response = api(home_head).put(
        f"/leaders/{leader.pk}/release/2025-26", {"days": 0, "agreed_on": "2025-09-05"}
    )
    assert response.status_code == 200
    assert ReleaseAgreement.objects.get().days == 0


def test_put_release_refusals(
    api: Api,
    lle: Designation,
    leader: LeaderProfile,
    coordinator: User,
    leader_user: User,
    other_coordinator: User,
    stranger: User,
    client_head: User,
) -> None:
    url = f"/leaders/{leader.pk}/release/2025-26"
    over = api(coordinator).put(url, {"days": 16, "agreed_on": "2025-09-05"})
    assert over.status_code == 409
    assert over.json()["rule"] == "release_cap"
    assert "15 days" in over.json()["detail"]
    negative = api(coordinator).put(url, {"days": -1, "agreed_on": "2025-09-05"})
    assert negative.status_code == 422
    assert "days" in negative.json()["errors"]
    bad_year = api(coordinator).put(
        f"/leaders/{leader.pk}/release/2025-27", {"days": 5, "agreed_on": "2025-09-05"}
    )
    assert bad_year.status_code == 422
    assert "academic_year" in bad_year.json()["errors"]
    assert api(coordinator).put(url, {"days": "many", "agreed_on": "2025-09-05"}).status_code == 422
    assert api(leader_user).put(url, {"days": 5, "agreed_on": "2025-09-05"}).status_code == 403
    for actor in (other_coordinator, stranger, client_head):
        assert api(actor).put(url, {"days": 5, "agreed_on": "2025-09-05"}).status_code == 404
    assert not ReleaseAgreement.objects.exists()
    assert api(coordinator).put(url, {"days": 12, "agreed_on": "2025-09-05"}).status_code == 200


def test_an_la_cap_of_twenty_days_through_the_api(
    api: Api,
    leader: LeaderProfile,
    other_org: Organisation,
    other_coordinator: User,
    home_head: User,
) -> None:
    from decimal import Decimal

    from syslead.leaders.services import capacity_policy_set

    capacity_policy_set(
        actor=other_coordinator,
        organisation=other_org,
        max_release_days=Decimal("20"),
        min_lle_days=Decimal("6"),
    )
    associate(leader, other_org)
    url = f"/leaders/{leader.pk}/release/2025-26"
    assert api(home_head).put(url, {"days": 20, "agreed_on": "2025-09-05"}).status_code == 200
    assert (
        api(other_coordinator).put(url, {"days": 21, "agreed_on": "2025-09-05"}).status_code == 409
    )


# GET /leaders/{id}/capacity/{academic_year}


def test_get_capacity_in_days(
    api: Api,
    lle: Designation,
    leader: LeaderProfile,
    home_head: User,
    leader_user: User,
    coordinator: User,
    broker_lead: User,
    administrator: User,
) -> None:
    api(home_head).put(
        f"/leaders/{leader.pk}/release/2025-26", {"days": 10, "agreed_on": "2025-09-05"}
    )
    for user in (leader_user, home_head, coordinator, broker_lead, administrator):
        response = api(user).get(f"/leaders/{leader.pk}/capacity/2025-26")
        assert response.status_code == 200
        body = response.json()
        assert body["released"] == 10
        assert body["committed"] == 0
        assert body["delivered"] == 0
        assert body["remaining"] == 10
    assert api(coordinator).get(f"/leaders/{leader.pk}/capacity/2026-27").json()["released"] == 0


def test_get_capacity_refusals(
    api: Api,
    leader: LeaderProfile,
    coordinator: User,
    sip: User,
    other_coordinator: User,
    client_head: User,
    stranger: User,
) -> None:
    url = f"/leaders/{leader.pk}/capacity/2025-26"
    assert api(sip).get(url).status_code == 403  # sees the leader, not the ledger
    for actor in (other_coordinator, client_head, stranger):
        assert api(actor).get(url).status_code == 404
    bad = api(coordinator).get(f"/leaders/{leader.pk}/capacity/2025-27")
    assert bad.status_code == 422
    assert "academic_year" in bad.json()["errors"]
    assert api(coordinator).get("/leaders/999999/capacity/2025-26").status_code == 404


def test_a_stranger_is_refused_on_every_endpoint(
    api: Api, lle: Designation, leader: LeaderProfile, stranger: User, alliance: Organisation
) -> None:
    association = Association.objects.get(leader=leader)
    client = api(stranger)
    calls = [
        client.get(f"/leaders/{leader.pk}"),
        _patch(client, f"/leaders/{leader.pk}", {"job_title": "x"}),
        client.post(
            f"/leaders/{leader.pk}/designations",
            {"type": "SLE", "designated_on": "2025-09-01", "organisation": alliance.pk},
        ),
        client.post(f"/designations/{lle.pk}/revoke", {"revoked_on": "2026-01-01", "reason": "x"}),
        client.post(
            f"/leaders/{leader.pk}/associations",
            {"organisation": alliance.pk, "starts_on": "2025-09-01"},
        ),
        client.post(
            f"/associations/{association.pk}/end", {"ends_on": "2026-01-01", "reason": "x"}
        ),
        client.put(f"/leaders/{leader.pk}/release/2025-26", {"days": 5, "agreed_on": "2025-09-05"}),
        client.get(f"/leaders/{leader.pk}/capacity/2025-26"),
    ]
    assert [c.status_code for c in calls] == [404] * len(calls)
    assert client.post("/leaders", {"user": stranger.pk}).status_code in (403, 422)
    assert Designation.objects.count() == 1
    assert Association.objects.get().is_live


def test_the_openapi_document_lists_the_leaders_endpoints(api: Api, coordinator: User) -> None:
    paths = api(coordinator).get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/leaders",
        "/api/v1/leaders/{leader_id}",
        "/api/v1/leaders/{leader_id}/designations",
        "/api/v1/designations/{designation_id}/revoke",
        "/api/v1/leaders/{leader_id}/associations",
        "/api/v1/associations/{association_id}/end",
        "/api/v1/leaders/{leader_id}/release/{academic_year}",
        "/api/v1/leaders/{leader_id}/capacity/{academic_year}",
    ):
        assert path in paths, path
