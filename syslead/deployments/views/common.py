"""What the agreement pages share: showing a service's refusal in the page (its rule named), and
the guards that turn "you may not" into 403 pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, QueryDict

from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.deployments.preview import refusal_text
from syslead.deployments.selectors import can_manage_deployment

T = TypeVar("T")


def posted(request: HttpRequest) -> QueryDict | None:
    """The form's data on a POST (even an empty one: a bound form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


class RefusalForm(forms.Form):
    """No fields: carries a service's refusal to the page's error summary."""


def put_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's field errors on the form's fields (the agreement form maps its own names);
    the rest at the top of the form."""
    putter: Callable[[str, str], None] | None = getattr(form, "put_error", None)
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    if putter is not None:
                        putter(name, message)
                    elif name in form.fields:
                        form.add_error(name, message)
                    else:
                        form.add_error(None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Call a service. ``NotAllowed`` becomes a 403 page; a rule's refusal goes at the top of the
    form with the rule named; invalid fields go on the fields. None when refused."""
    try:
        return call()
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except RuleViolation as exc:
        form.add_error(None, refusal_text(exc))
    except ValidationError as exc:
        put_errors(form, exc)
    return None


def require_manager(user: Any, deployment: Deployment) -> None:
    """Coordinators of the agreement's organisation (and administrators) manage it: 403 to the
    other people who may read it."""
    if not can_manage_deployment(user, deployment):
        raise PermissionDenied(f"Only a coordinator of {deployment.organisation.name} may do this.")
