"""Headers and settings that protect every page: a Content-Security-Policy without inline script,
``Cache-Control: private, no-store`` on signed-in pages and API responses, and no start with
DEBUG off and no SECRET_KEY."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from syslead.accounts.models import User

pytestmark = pytest.mark.django_db

REPO = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")")
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_pages_carry_a_policy_with_no_inline_or_eval_script(
    client: Client, login: Callable[[User], Client], coordinator: User
) -> None:
    for response in (client.get("/accounts/login/"), login(coordinator).get("/")):
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in policy["style-src"]


def test_rendered_pages_have_no_inline_script_or_event_handler(
    login: Callable[[User], Client], coordinator: User
) -> None:
    client = login(coordinator)
    for path in ("/", "/schools/", "/leaders/", "/requests/", "/api/v1/docs"):
        html = client.get(path).content.decode()
        assert not INLINE_SCRIPT.search(html), path
        assert not EVENT_HANDLER.search(html), path
        assert "javascript:" not in html.lower(), path


def test_no_template_has_inline_script_event_handler_or_javascript_url() -> None:
    found = []
    for template in (REPO / "syslead").rglob("templates/**/*.html"):
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, re.compile("javascript:", re.I)):
            found += [f"{template.relative_to(REPO)}: {m.group()}" for m in pattern.finditer(text)]
    assert found == []


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(
    login: Callable[[User], Client], coordinator: User
) -> None:
    html = login(coordinator).get("/").content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, '
        '"allowEval": false}\'>' in html
    )


def test_signed_in_pages_are_private_and_not_stored(
    login: Callable[[User], Client], coordinator: User
) -> None:
    client = login(coordinator)
    for path in ("/", "/schools/", "/leaders/", "/no-such-page/"):
        assert client.get(path)["Cache-Control"] == "private, no-store", path


def test_api_responses_are_private_and_not_stored_signed_in_or_not(
    api: Callable[[User | None], Any], coordinator: User, home_school: Any
) -> None:
    answered = api(coordinator).get(f"/schools/{home_school.urn}")
    assert answered.status_code == 200
    assert answered["Cache-Control"] == "private, no-store"
    refused = api(None).get(f"/schools/{home_school.urn}")
    assert refused.status_code == 401
    assert refused["Cache-Control"] == "private, no-store"
    assert api(None).get("/openapi.json")["Cache-Control"] == "private, no-store"


def test_public_pages_and_static_files_may_be_cached(client: Client, alliance: Any) -> None:
    public = client.get(f"/organisations/{alliance.slug}/")
    assert public.status_code == 200
    assert "no-store" not in public.get("Cache-Control", "")
    static = client.get("/static/core/syslead.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def _start(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(environment, DJANGO_SETTINGS_MODULE="syslead.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("debug", [{"DEBUG": "false"}, {}, {"DEBUG": "false", "SECRET_KEY": " "}])
def test_syslead_refuses_to_start_with_debug_off_and_no_secret_key(debug: dict[str, str]) -> None:
    started = _start(debug)

    assert started.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in started.stderr
    assert "started" not in started.stdout


@pytest.mark.parametrize(
    "environment", [{"DEBUG": "false", "SECRET_KEY": "a-long-random-operator-key"}, {"DEBUG": "1"}]
)
def test_syslead_starts_with_a_secret_key_or_in_debug(environment: dict[str, str]) -> None:
    started = _start(environment)

    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "started"
