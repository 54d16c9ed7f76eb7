"""The contract's conventions: bearer tokens, the error format, the OpenAPI document and docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from syslead.accounts.models import ApiToken, User
from syslead.accounts.services import api_token_issue
from syslead.organisations.models import Organisation

ApiFactory = Callable[[User | None], Any]

ORGANISATION = {"name": "Lincoln Hub", "kind": "teaching_school_hub"}


def test_no_token_is_401_with_a_detail(api: ApiFactory) -> None:
    response = api(None).post("/organisations", ORGANISATION)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication required: send 'Authorization: Bearer <token>'."
    }
    assert response["WWW-Authenticate"] == "Bearer"


def test_no_token_is_401_on_reads_too(api: ApiFactory, client_school: Any) -> None:
    assert api(None).get("/schools/120001").status_code == 401


def test_a_bad_token_is_401(api: ApiFactory, administrator: User) -> None:
    client = api(None)
    client.headers["Authorization"] = "Bearer sl_not-a-real-token"
    response = client.post("/organisations", ORGANISATION)
    assert response.status_code == 401
    assert response.json() == {"detail": "The bearer token is not valid."}
    assert not Organisation.objects.exists()


def test_a_token_of_a_deactivated_user_is_401(api: ApiFactory, administrator: User) -> None:
    client = api(administrator)
    administrator.is_active = False
    administrator.save()
    assert client.post("/organisations", ORGANISATION).status_code == 401


def test_a_token_that_is_not_bearer_is_401(administrator: User) -> None:
    raw = api_token_issue(actor=None, user=administrator)
    response = Client().post(
        "/api/v1/organisations",
        data=ORGANISATION,
        content_type="application/json",
        headers={"Authorization": f"Token {raw}"},
    )
    assert response.status_code == 401


def test_using_a_token_records_when_it_was_last_used(api: ApiFactory, administrator: User) -> None:
    client = api(administrator)
    assert ApiToken.objects.get().last_used_at is None
    client.post("/organisations", ORGANISATION)
    assert ApiToken.objects.get().last_used_at is not None


def test_malformed_json_is_400_and_writes_nothing(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/organisations", raw='{"name": "Lincoln Hub",')
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("body", ["[1, 2]", '"a string"', "42"])
def test_json_that_is_not_an_object_is_400(api: ApiFactory, administrator: User, body: str) -> None:
    response = api(administrator).post("/organisations", raw=body)
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body must be a JSON object."}


def test_an_empty_body_is_400(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/organisations")
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_missing_and_wrong_typed_fields_are_422_by_field(
    api: ApiFactory, administrator: User
) -> None:
    response = api(administrator).post("/users", {"email": "x@x.test", "roles": "coordinator"})
    assert response.status_code == 422
    body = response.json()
    assert set(body["errors"]) == {"name", "roles"}
    assert body["errors"]["name"] == ["This field is required."]
    assert all(isinstance(m, str) for msgs in body["errors"].values() for m in msgs)
    assert isinstance(body["detail"], str)


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_an_unknown_path_under_the_api_is_a_json_404(
    api: ApiFactory, administrator: User, method: str
) -> None:
    response = getattr(api(administrator), method)("/no-such-thing/42")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "There is nothing at /api/v1/no-such-thing/42."}


def test_an_unknown_path_is_404_even_without_a_token(api: ApiFactory) -> None:
    assert api(None).get("/no-such-thing").status_code == 404


def test_a_wrong_method_is_a_json_405(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).get("/organisations")
    assert response.status_code == 405
    assert response.json() == {"detail": "GET is not allowed here; use POST."}
    assert response["Allow"] == "POST"


def test_the_api_root_points_to_the_docs(api: ApiFactory) -> None:
    response = api(None).get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["docs"].endswith("/api/v1/docs")
    assert response.json()["openapi"].endswith("/api/v1/openapi.json")


def test_openapi_document_lists_the_contract_paths_without_a_token(api: ApiFactory) -> None:
    response = api(None).get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert "post" in paths["/api/v1/organisations"]
    assert "post" in paths["/api/v1/users"]
    assert "post" in paths["/api/v1/schools"]
    assert "get" in paths["/api/v1/schools/{urn}"]
    assert "BearerToken" in document["components"]["securitySchemes"]


def test_openapi_document_describes_the_error_bodies(api: ApiFactory) -> None:
    document = api(None).get("/openapi.json").json()
    responses = document["paths"]["/api/v1/users"]["post"]["responses"]
    assert {"201", "400", "401", "403", "409", "422"} <= set(responses)


def test_interactive_docs_render_without_a_token_from_our_own_files(api: ApiFactory) -> None:
    response = api(None).get("/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/api/v1/openapi.json" in html
    assert "cdn." not in html


def test_the_docs_render_without_debug_before_collectstatic(api: ApiFactory, settings: Any) -> None:
    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    assert api(None).get("/docs").status_code == 200
    assert api(None).get("/openapi.json").status_code == 200


def test_a_crash_is_a_json_500_and_is_logged(
    api: ApiFactory,
    administrator: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def crash(**kwargs: Any) -> None:
        raise RuntimeError("boom")

    # The outside world failing (a broken database, a bug) is simulated at the endpoint's edge.
    monkeypatch.setattr("syslead.api.endpoints.organisations.organisation_create", crash)
    response = api(administrator).post("/organisations", ORGANISATION)
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side; it has been logged."}
    assert "Unhandled error on POST /api/v1/organisations" in caplog.text


def test_openapi_document_lists_the_version_11_import_and_invitation_paths(
    api: ApiFactory,
) -> None:
    paths = api(None).get("/openapi.json").json()["paths"]
    import_leaders = paths["/api/v1/organisations/{organisation_id}/imports/leaders"]["post"]
    assert "text/csv" in import_leaders["requestBody"]["content"]
    assert {"200", "403", "404", "413", "422"} <= set(import_leaders["responses"])
    assert {"201", "403", "409", "422"} <= set(paths["/api/v1/invitations"]["post"]["responses"])
