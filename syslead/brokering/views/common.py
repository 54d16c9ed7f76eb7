"""What the requests pages share: who may open them, and how a service's refusal shows in the
form (field errors on their fields, a rule's refusal in the error summary, a permission refusal
as 403)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest

from syslead.accounts.access import has_role, is_administrator
from syslead.accounts.models import Role, User
from syslead.brokering.web_selectors import organisations_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.filters import OrganisationFilterForm
from syslead.organisations.models import Organisation

T = TypeVar("T")

#: Organisation roles that read their organisation's brokering (coordinators and broker leads).
BROKER_ROLES = (Role.COORDINATOR, Role.BROKER_LEAD)
#: Roles that raise requests on the local authority route.
LA_ROUTE_ROLES = (Role.COORDINATOR, Role.SIP)
#: Everyone the requests list is for.
CASELOAD_ROLES = (
    Role.COORDINATOR,
    Role.BROKER_LEAD,
    Role.SIP,
    Role.HEADTEACHER,
    Role.SYSTEM_LEADER,
)
RESULTS_PER_PAGE = 25


def require_role(user: User, roles: Sequence[str], message: str) -> None:
    """403 unless the person is an administrator or holds one of the roles."""
    if not (is_administrator(user) or has_role(user, *roles)):
        raise PermissionDenied(message)


def run_action(request: HttpRequest, call: Callable[[], T], success: str) -> T | None:
    """Call a service behind a single button: success or the refusal as a message on the page
    the person returns to; a permission refusal is a 403."""
    try:
        done = call()
    except (ValidationError, RuleViolation) as refusal:
        text = refusal.message if isinstance(refusal, RuleViolation) else " ".join(refusal.messages)
        messages.error(request, text)
        return None
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    messages.success(request, success)
    return done


def chosen_organisation(
    request: HttpRequest, organisations: list[Organisation], message: str
) -> Organisation:
    """The organisation a page is about: ``?organisation=`` among those given, else the first;
    403 when there is none, 404 for one not among them."""
    if not organisations:
        raise PermissionDenied(message)
    wanted = request.GET.get("organisation") or request.POST.get("organisation")
    if not wanted:
        return organisations[0]
    found = next((o for o in organisations if str(o.pk) == str(wanted)), None)
    if found is None:
        raise Http404("No such organisation.")
    return found


def organisation_filter(
    request: HttpRequest, organisations: list[Organisation]
) -> OrganisationFilterForm:
    """The page's "Organisation" filter, bound to what :func:`chosen_organisation` read (the query
    string, or a POST's hidden field), so it shows the organisation the page is about."""
    data = request.POST if request.method == "POST" else request.GET
    return OrganisationFilterForm(data, organisations=organisations)


def broker_organisations(user: User) -> list[Organisation]:
    """Organisations whose brokering the person reads (coordinator or broker lead)."""
    return organisations_for(user, BROKER_ROLES)
