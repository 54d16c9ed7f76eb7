"""Helpers the delivery pages share: showing a service's refusal in the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from syslead.core.exceptions import NotAllowed, RuleViolation

T = TypeVar("T")


class RefusalForm(forms.Form):
    """No fields: carries a service's refusal to the page's error summary."""


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Call a service; put its field errors on the form's fields (others at the top) and its rule
    refusals at the top of the form. ``NotAllowed`` becomes a 403 page. None when refused."""
    try:
        return call()
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except RuleViolation as exc:
        _ready_for_errors(form)
        form.add_error(None, exc.message)
    except ValidationError as exc:
        _ready_for_errors(form)
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                target = name if name in form.fields else None
                for error in errors:
                    form.add_error(target, error.messages[0] if target is None else error)
        else:
            for message in exc.messages:
                form.add_error(None, message)
    return None


def _ready_for_errors(form: forms.Form) -> None:
    """An unbound form (a page that is only a button) takes errors as a bound one does:
    ``add_error`` reads ``cleaned_data``, which only validation sets."""
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
