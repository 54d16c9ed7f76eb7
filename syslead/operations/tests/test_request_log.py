"""One JSON line per request: request id (echoed), user id and never a name or e-mail, method,
path without its query string, status and duration."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.operations.logs import JsonFormatter, RequestIdFilter, request_id_from

pytestmark = pytest.mark.django_db


class Lines(logging.Handler):
    """Keeps each record as the JSON line production writes."""

    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def json(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def request_lines() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger("syslead.request")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def test_a_signed_in_request_writes_one_json_line_with_ids_and_timing(
    login: Callable[[User], Client], coordinator: User, request_lines: Lines
) -> None:
    response = login(coordinator).get("/inbox/?page=2&q=alice@kyra.test")
    lines = request_lines.json()
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == coordinator.pk
    assert line["method"] == "GET"
    assert line["path"] == "/inbox/"
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float | int)
    assert line["duration_ms"] >= 0
    assert line["logger"] == "syslead.request"


def test_the_request_line_holds_no_name_email_or_query_string(
    login: Callable[[User], Client], coordinator: User, request_lines: Lines
) -> None:
    login(coordinator).get("/inbox/?q=alice@kyra.test")
    raw = request_lines.lines[0]
    assert coordinator.email not in raw
    assert "alice" not in raw.lower()
    assert coordinator.name not in raw
    assert "q=" not in raw


def test_an_anonymous_request_has_no_user_id(client: Client, request_lines: Lines) -> None:
    client.get("/health/live")
    (line,) = request_lines.json()
    assert "user_id" not in line
    assert line["status"] == 200


def test_an_api_request_logs_the_token_holders_id(
    api: Callable[[User], Any], coordinator: User, request_lines: Lines
) -> None:
    api(coordinator).get("/schools/120001")
    (line,) = request_lines.json()
    assert line["user_id"] == coordinator.pk


def test_a_sane_incoming_request_id_is_kept_and_echoed(
    client: Client, request_lines: Lines
) -> None:
    response = client.get("/health/live", headers={"X-Request-ID": "lb-7f3a9c:0001"})
    assert response["X-Request-ID"] == "lb-7f3a9c:0001"
    assert request_lines.json()[0]["request_id"] == "lb-7f3a9c:0001"


@pytest.mark.parametrize(
    "incoming",
    ["", "has spaces in it", 'quote"s', "x" * 129, "line\nbreak", "<script>", "-leading-dash"],
)
def test_an_insane_incoming_request_id_is_replaced(incoming: str) -> None:
    chosen = request_id_from(incoming)
    assert chosen != incoming
    assert len(chosen) == 32
    assert chosen.isalnum()


def test_each_request_gets_its_own_id(client: Client) -> None:
    first = client.get("/health/live")["X-Request-ID"]
    second = client.get("/health/live")["X-Request-ID"]
    assert first != second


def test_the_json_formatter_writes_exceptions_on_the_same_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("syslead.test").makeRecord(
            "syslead.test", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "failed"
    assert "ValueError: boom" in parsed["exception"]


def test_with_sentry_on_the_error_reports_are_tagged_with_the_request_id(
    client: Client, settings: Any
) -> None:
    import sentry_sdk

    settings.SENTRY_ENABLED = True
    response = client.get("/health/live", headers={"X-Request-ID": "tag-me-123"})
    assert response["X-Request-ID"] == "tag-me-123"
    assert sentry_sdk.get_isolation_scope()._tags["request_id"] == "tag-me-123"
