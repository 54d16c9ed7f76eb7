"""The interactive documentation at /api/v1/docs: Swagger UI served from our own static files
(no CDN), and rendering even before ``collectstatic`` has run (``DEBUG=false`` straight after
``migrate``, where WhiteNoise serves the files from the apps' folders)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import PrefixNode, static
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI


def static_url(path: str) -> str:
    """The file's (hashed) static URL, or its plain URL when no manifest lists it yet."""
    try:
        return static(path)
    except ValueError:
        return PrefixNode.handle_simple("STATIC_URL") + path


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        context = {
            "api": api,
            "openapi_url": openapi_url,
            "swagger_settings": {**self.settings, "url": openapi_url},
            "css_url": static_url("ninja/swagger-ui.css"),
            "icon_url": static_url("ninja/favicon.svg"),
            "bundle_url": static_url("ninja/swagger-ui-bundle.js"),
            "init_url": static_url("ninja/swagger-ui-init.js"),
        }
        return render(request, "api/docs.html", context)
