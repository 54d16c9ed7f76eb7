"""``demo_logins`` before the demo is loaded (its own module: the others build the demo once for
all their tests)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_logins_without_a_demo_says_how_to_load_it() -> None:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "run `manage.py load_demo`" in out.getvalue()
