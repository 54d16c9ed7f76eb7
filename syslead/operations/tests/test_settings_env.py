"""Settings chosen by the environment: the shared cache (Redis or the database), static files,
Sentry (only with a DSN, never personal data), and the database cache's table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches

from syslead.settings import caches_from

ROOT = Path(__file__).resolve().parents[3]


def settings_in_a_new_process(env: dict[str, str], expression: str) -> Any:
    """Evaluate ``expression`` after Django starts in a fresh process with this environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}, default=str))"
    )
    full_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "SENTRY_DSN", "DEBUG", "STATIC_ROOT"}
    }
    full_env.update({"DJANGO_SETTINGS_MODULE": "syslead.settings", **env})
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_redis_url_chooses_djangos_redis_cache() -> None:
    chosen = caches_from("redis://cache.internal:6379/1")
    assert chosen["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert chosen["default"]["LOCATION"] == "redis://cache.internal:6379/1"


def test_without_redis_the_cache_is_the_database() -> None:
    chosen = caches_from("")
    assert chosen["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert chosen["default"]["LOCATION"] == "syslead_cache"


#: What the tests below read from a freshly started Django.
CHOSEN = (
    "{'cache': settings.CACHES['default']['BACKEND'], 'sentry': settings.SENTRY_ENABLED, "
    "'log_format': settings.LOGGING['handlers']['console']['formatter'], "
    "'sessions': settings.SESSION_ENGINE, "
    "'pii': __import__('sentry_sdk').get_client().options.get('send_default_pii'), "
    "'locals': __import__('sentry_sdk').get_client().options.get('include_local_variables')}"
)


@pytest.fixture(scope="module")
def by_default() -> dict[str, Any]:
    """Nothing set: database cache, no Sentry, JSON logs."""
    return settings_in_a_new_process({}, CHOSEN)


@pytest.fixture(scope="module")
def with_services() -> dict[str, Any]:
    """Redis, a Sentry DSN (nothing is sent: no error happens) and plain logs."""
    return settings_in_a_new_process(
        {
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "SENTRY_DSN": "http://public@127.0.0.1:9/1",
            "LOG_FORMAT": "plain",
        },
        CHOSEN,
    )


def test_the_environment_decides_the_cache_in_a_real_start(
    by_default: dict[str, Any], with_services: dict[str, Any]
) -> None:
    assert by_default["cache"].endswith("db.DatabaseCache")
    assert with_services["cache"].endswith("redis.RedisCache")


@pytest.mark.django_db
def test_the_database_cache_table_exists_after_migrating(settings: Any) -> None:
    settings.CACHES = caches_from("")
    cache = caches["default"]
    cache.set("shared", {"by": "every process"}, 30)
    assert cache.get("shared") == {"by": "every process"}


def test_sentry_is_off_without_a_dsn(by_default: dict[str, Any]) -> None:
    assert by_default["sentry"] is False


def test_sentry_reports_errors_without_personal_data_when_a_dsn_is_set(
    with_services: dict[str, Any],
) -> None:
    assert with_services["sentry"] is True
    assert with_services["pii"] is False
    assert with_services["locals"] is False


def test_without_debug_collected_static_files_are_served_hashed(tmp_path: Path) -> None:
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"core/x.css": "core/x.0123456789ab.css"}, "version": "1.1"})
    )
    chosen = settings_in_a_new_process(
        {"DEBUG": "false", "STATIC_ROOT": str(tmp_path)},
        "[settings.STORAGES['staticfiles']['BACKEND'], settings.WHITENOISE_USE_FINDERS, "
        "__import__('django.templatetags.static').templatetags.static.static('core/x.css')]",
    )
    assert chosen == [
        "syslead.operations.staticfiles.CollectedStaticFilesStorage",
        False,
        "/static/core/x.0123456789ab.css",
    ]


def test_before_collectstatic_pages_get_plain_static_names(tmp_path: Path) -> None:
    chosen = settings_in_a_new_process(
        {"DEBUG": "false", "STATIC_ROOT": str(tmp_path / "empty")},
        "[settings.WHITENOISE_USE_FINDERS, "
        "__import__('django.templatetags.static').templatetags.static.static('core/x.css')]",
    )
    assert chosen == [True, "/static/core/x.css"]


def test_the_logs_are_json_unless_asked_plain(
    by_default: dict[str, Any], with_services: dict[str, Any]
) -> None:
    assert by_default["log_format"] == "json"
    assert with_services["log_format"] == "plain"


def test_sessions_live_in_the_database_shared_by_every_process(
    by_default: dict[str, Any],
) -> None:
    assert by_default["sessions"] == "django.contrib.sessions.backends.db"
