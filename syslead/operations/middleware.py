"""One JSON log line per request: request id, user id (never a name or e-mail), method, path
without its query string, status and duration in milliseconds."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from syslead.operations.logs import request_id_from, request_id_var

logger = logging.getLogger("syslead.request")

REQUEST_ID_HEADER = "X-Request-ID"


class RequestLogMiddleware:
    """First in the chain: it times everything, and sees the final status and the signed-in user
    (a session's, or an API token's) after the inner middleware and the view have run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = request_id_var.set(request_id)
        if settings.SENTRY_ENABLED:  # an error report names the request id to search the logs for
            import sentry_sdk

            sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "user_id": _user_id(request),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in person's id, if the request got that far (static files never do)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)
