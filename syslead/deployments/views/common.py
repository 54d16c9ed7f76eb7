"""What the agreement pages share: showing a service's refusal in the page (its rule named), and
the guards that turn "you may not" into 403 pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict

from syslead.accounts.models import User
from syslead.core.service_calls import put_service_errors
from syslead.core.service_calls import run_service as core_run_service
from syslead.deployments.models import Deployment
from syslead.deployments.preview import refusal_text
from syslead.deployments.selectors import can_manage_deployment

T = TypeVar("T")


def posted(request: HttpRequest) -> QueryDict | None:
    """The form's data on a POST (even an empty one: a bound form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Call a service (``syslead.core.service_calls``): a rule's refusal goes at the top of the
    form with the rule named."""
    return core_run_service(form, call, rule_text=refusal_text)


#: The agreement form places a service's field errors itself (``put_error``).
put_errors = put_service_errors


def require_manager(user: User, deployment: Deployment) -> None:
    """Coordinators of the agreement's organisation (and administrators) manage it: 403 to the
    other people who may read it."""
    if not can_manage_deployment(user, deployment):
        raise PermissionDenied(f"Only a coordinator of {deployment.organisation.name} may do this.")
