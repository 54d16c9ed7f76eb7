"""The contract's commands: ``issue_token EMAIL`` and ``createsuperuser --noinput`` by e-mail."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from syslead.accounts.access import is_administrator
from syslead.accounts.models import ApiToken, Role, User


def test_issue_token_prints_only_the_new_token(coordinator: User) -> None:
    out = StringIO()
    call_command("issue_token", "alice@kyra.test", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert ApiToken.user_for(lines[0]) == coordinator


def test_issue_token_finds_the_user_whatever_the_case_of_the_address(coordinator: User) -> None:
    out = StringIO()
    call_command("issue_token", "Alice@KYRA.test", stdout=out)
    assert ApiToken.user_for(out.getvalue().strip()) == coordinator


def test_each_issue_token_prints_a_different_token_and_both_work(coordinator: User) -> None:
    first, second = StringIO(), StringIO()
    call_command("issue_token", "alice@kyra.test", stdout=first)
    call_command("issue_token", "alice@kyra.test", stdout=second)
    assert first.getvalue() != second.getvalue()
    assert ApiToken.user_for(first.getvalue().strip()) == coordinator
    assert ApiToken.user_for(second.getvalue().strip()) == coordinator


def test_the_issued_token_acts_as_its_user_on_the_api(
    coordinator: User, client_school: Any
) -> None:
    out = StringIO()
    call_command("issue_token", "alice@kyra.test", stdout=out)
    response = Client().get(
        "/api/v1/schools/120001", headers={"Authorization": f"Bearer {out.getvalue().strip()}"}
    )
    assert response.status_code == 200
    assert response.json()["urn"] == 120001


def test_issue_token_for_an_unknown_address_fails_and_prints_nothing(db: None) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match=r"No user has the e-mail address nobody@x\.test"):
        call_command("issue_token", "nobody@x.test", stdout=out)
    assert out.getvalue() == ""
    assert not ApiToken.objects.exists()


def test_issue_token_refuses_a_deactivated_user(coordinator: User) -> None:
    coordinator.is_active = False
    coordinator.save()
    with pytest.raises(CommandError, match="deactivated"):
        call_command("issue_token", "alice@kyra.test", stdout=StringIO())


def test_createsuperuser_noinput_by_email_makes_an_administrator_who_can_use_the_api(
    db: None, monkeypatch: pytest.MonkeyPatch, api: Callable[[User], Any]
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Root@Syslead.Example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-and-unusual-passphrase")
    call_command("createsuperuser", interactive=False, stdout=StringIO())

    user = User.objects.get(email="root@syslead.example")
    assert user.is_superuser
    assert user.check_password("a-long-and-unusual-passphrase")
    assert is_administrator(user)
    assert user.role_assignments.filter(role=Role.ADMINISTRATOR).exists()

    out = StringIO()
    call_command("issue_token", "root@syslead.example", stdout=out)
    response = Client().post(
        "/api/v1/organisations",
        data={"name": "Root's Alliance", "kind": "teaching_school_alliance"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {out.getvalue().strip()}"},
    )
    assert response.status_code == 201
