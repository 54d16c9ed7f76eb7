"""Calling a service from a page: the one way every area shows a service's refusal in the page.

A service refuses in three ways (``syslead.core.exceptions``): ``NotAllowed`` (the person may not:
a 403 page), ``RuleViolation`` (a rule of the product says no: at the top of the form, or on the
field it is about) and ``ValidationError`` (bad input: on the fields it names, the rest at the
top). Nothing is half-written: services refuse before they write, inside their transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from syslead.core.exceptions import NotAllowed, RuleViolation

T = TypeVar("T")


class RefusalForm(forms.Form):
    """No fields: carries a service's refusal to the page's error summary."""


def run_service(
    form: forms.Form,
    call: Callable[[], T],
    *,
    aliases: Mapping[str, str] | None = None,
    rule_field: str | None = None,
    rule_text: Callable[[RuleViolation], str] | None = None,
) -> T | None:
    """Call a service and return what it returns, or None when it refused (the refusal is then
    in ``form``). ``aliases`` maps the service's field names to the form's; a rule's refusal goes
    on ``rule_field`` when given (so the error summary links to it), worded by ``rule_text``."""
    try:
        return call()
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except RuleViolation as refusal:
        _ready_for_errors(form)
        form.add_error(rule_field, rule_text(refusal) if rule_text else refusal.message)
    except ValidationError as error:
        put_service_errors(form, error, aliases)
    return None


def put_service_errors(
    form: forms.Form, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """A service's field errors on the form's fields (renamed by ``aliases``; a form may place
    them itself with a ``put_error(name, message)`` method), the rest at the top of the form."""
    _ready_for_errors(form)
    putter: Callable[[str, str], None] | None = getattr(form, "put_error", None)
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for given, messages in error.message_dict.items():
        name = (aliases or {}).get(given, given)
        for message in messages:
            if putter is not None:
                putter(name, message)
            else:
                form.add_error(name if name in form.fields else None, message)


def _ready_for_errors(form: forms.Form) -> None:
    """An unbound form (a page that is only a button) takes errors as a bound one does:
    ``add_error`` reads ``cleaned_data``, which only validation sets."""
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
