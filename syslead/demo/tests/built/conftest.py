"""The tests that read the whole demo: it is built once for the package (a few seconds, the longest
setup in the suite), inside a transaction rolled back after the package's last test. Every test
here reads it, so nothing runs inside that transaction that expects an empty database; the
package's test files run on the same test process (``pytest_xdist_make_scheduler`` in the root
conftest), so the demo is built once a run."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from conftest import TEST_SETTINGS, ensure_builtin_vocabularies


@pytest.fixture(scope="package")
def built_demo(django_db_setup: Any, django_db_blocker: Any, demo_data_dir: Path) -> Iterator[str]:
    """The whole demo, built once for this package (it takes seconds) inside a transaction that is
    rolled back after the package's last test; each test still runs in its own savepoint, so what
    one test changes is undone before the next. Returns what ``load_demo`` printed."""
    with (
        override_settings(**TEST_SETTINGS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        ensure_builtin_vocabularies()
        out = io.StringIO()
        call_command("load_demo", data_dir=demo_data_dir, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
    # Content types first asked for inside the rolled-back transaction were cached under ids that
    # no longer exist: forget them, or the next test on this process records events against them.
    ContentType.objects.clear_cache()
