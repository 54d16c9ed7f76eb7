"""The contract's error format: every 4xx is JSON with a human-readable ``detail`` (a string);
422 adds ``errors`` mapping each invalid field's name to a list of messages; 409 adds ``rule``."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.limits import too_large_detail

logger = logging.getLogger("syslead.api")


class UnprocessableError(Exception):
    """422 with ``errors``: each invalid field's name mapped to a list of messages."""

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None) -> None:
        self.errors = errors
        self.detail = detail or invalid_fields_detail(errors)
        super().__init__(self.detail)


def invalid_fields_detail(errors: dict[str, list[str]]) -> str:
    parts = [
        f"{name}: {' '.join(_sentence(m) for m in messages)}" for name, messages in errors.items()
    ]
    return "Some fields are invalid. " + " ".join(parts)


def _sentence(message: str) -> str:
    message = message.strip()
    return message if message.endswith((".", "?", "!")) else message + "."


def detail_response(status: int, detail: str, **extra: Any) -> JsonResponse:
    """A JSON error body outside ninja's own views (unknown paths, wrong methods)."""
    return JsonResponse({"detail": detail, **extra}, status=status)


def _malformed_body(body: bytes) -> str:
    """Why a body that failed validation is not even a JSON object ("" when it is one)."""
    if not body.strip():
        return "The request body is empty: send a JSON object."
    try:
        parsed = json.loads(body)
    except ValueError:
        return "The request body is not valid JSON."
    return "" if isinstance(parsed, dict) else "The request body must be a JSON object."


def _field_path(loc: Iterable[Any]) -> list[str]:
    """Where in the request a pydantic error is, as the client names it: ninja's ``loc`` starts
    with the source (``body``, ``query``, ``path``) and, for a body, the view's parameter name."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"]:
        return parts[2:]
    return parts[1:] if parts[:1] and parts[0] in ("query", "path", "header", "cookie") else parts


def _field_name(loc: Iterable[Any]) -> str:
    """The top-level field a pydantic error is about: ``roles`` for ``roles.1.school``."""
    path = _field_path(loc)
    return path[0] if path else "body"


def _message(err: dict[str, Any]) -> str:
    """Pydantic's message, naming the nested item it is about (``roles.1.school: ...``)."""
    message = "This field is required." if err.get("type") == "missing" else str(err.get("msg"))
    path = _field_path(err.get("loc", ()))
    message = _sentence(message)
    return f"{'.'.join(path)}: {message}" if len(path) > 1 else message


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        if any(tuple(e.get("loc", ()))[:1] == ("body",) for e in exc.errors):
            malformed = _malformed_body(request.body)
            if malformed:
                return api.create_response(request, {"detail": malformed}, status=400)
        errors: dict[str, list[str]] = {}
        for err in exc.errors:
            errors.setdefault(_field_name(err.get("loc", ())), []).append(_message(err))
        body = {"detail": invalid_fields_detail(errors), "errors": errors}
        return api.create_response(request, body, status=422)

    @api.exception_handler(UnprocessableError)
    def on_unprocessable(request: HttpRequest, exc: UnprocessableError) -> HttpResponse:
        body = {"detail": exc.detail, "errors": exc.errors}
        return api.create_response(request, body, status=422)

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
        else:
            errors = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
        body = {"detail": invalid_fields_detail(errors), "errors": errors}
        return api.create_response(request, body, status=422)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, {"detail": too_large_detail()}, status=413)

    @api.exception_handler(RuleViolation)
    def on_rule(request: HttpRequest, exc: RuleViolation) -> HttpResponse:
        return api.create_response(request, {"detail": exc.message, "rule": exc.rule}, status=409)

    @api.exception_handler(NotAllowed)
    def on_not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
        return api.create_response(request, {"detail": exc.message}, status=403)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or "You are not allowed to do that."
        return api.create_response(request, {"detail": detail}, status=403)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc)
        generic = re.fullmatch(r"No (\w+) matches the given query\.", message)
        if generic:
            message = f"No such {generic.group(1).lower()}."
        return api.create_response(request, {"detail": message or "Not found."}, status=404)

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        if getattr(request, "syslead_token_expired", False):
            detail = "The bearer token has expired: issue a new one from your account page."
        elif request.headers.get("Authorization"):
            detail = "The bearer token is not valid."
        else:
            detail = "Authentication required: send 'Authorization: Bearer <token>'."
        response = api.create_response(request, {"detail": detail}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON."
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    @api.exception_handler(Exception)
    def on_crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        """A bug: JSON for the client, the traceback for us (ninja's own text page in DEBUG)."""
        if settings.DEBUG:
            raise exc
        logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=exc)
        detail = "Something went wrong on our side; it has been logged."
        return api.create_response(request, {"detail": detail}, status=500)
