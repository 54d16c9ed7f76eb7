"""The public API, version 1 (see the contract in the project's docs): one NinjaAPI, a router per
business area. Endpoints call the same services as the web UI."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from syslead.api.auth import BearerToken
from syslead.api.docs import LocalSwagger
from syslead.api.errors import detail_response, install_error_handlers
from syslead.api.routers import ROUTERS

DESCRIPTION = """School-to-school support: organisations, users, schools, leaders, requests,
deployments, visits and reports.

Send `Authorization: Bearer <token>`; `python manage.py issue_token EMAIL` prints a token that acts
with exactly that user's permissions, and people issue and revoke their own on their account page.
Tokens expire (90 days by default). Errors are JSON with a human-readable `detail`: 400 malformed
JSON, 401 no or bad token, 403 not allowed, 404 unknown, 409 a business rule refuses (`rule` names
it), 413 a body over 2.5 MB, 422 invalid fields (`errors` maps each field to its messages).

Every field states its limits (`maxLength`, `minimum`/`maximum`, `maxItems`, `pattern`): ids run
from 1 to 2^63 − 1, academic years from 2000-01 to 2098-99, longer texts up to 10,000 characters;
bad input is a 4xx, never a 5xx."""


def api_index(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The API's root: where its documentation lives (ninja's own root answers a bare 404)."""
    return JsonResponse(
        {
            "title": "Syslead API",
            "version": "1",
            "docs": request.build_absolute_uri("docs"),
            "openapi": request.build_absolute_uri("openapi.json"),
        }
    )


@csrf_exempt
def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return detail_response(404, f"There is nothing at {request.path}.")


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a wrong method with a plain-text 405; the contract wants JSON ``detail``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            json_response = detail_response(
                405, f"{request.method} is not allowed here; use {allowed}."
            )
            json_response["Allow"] = allowed
            return json_response
        return response

    return wrapper


class SysleadAPI(NinjaAPI):
    """NinjaAPI whose every answer under its prefix is JSON, even for unknown paths."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    pattern.callback = api_index
                else:
                    pattern.callback = _json_method_not_allowed(pattern.callback)
        return [*patterns, re_path(r"^", unknown_path, name="unknown")], app_name, namespace


api = SysleadAPI(
    title="Syslead API",
    version="1",
    description=DESCRIPTION,
    auth=BearerToken(),
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
for prefix, router in ROUTERS:
    api.add_router(prefix, router)
