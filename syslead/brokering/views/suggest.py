"""The school field's suggestions (docs/ux.md, "Autocomplete"): at most ten schools matching what
the person typed, among those they may choose for the field's purpose. The rule is
``schools_to_ask_for`` in ``syslead.brokering.access``, the one the form and the service apply
again when the answer is sent, so a suggestion is never refused and nothing else is accepted."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from syslead.accounts.models import User
from syslead.brokering.access import schools_to_ask_for
from syslead.brokering.models import Route
from syslead.core.limits import whole_number
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.schools.selectors import organisation_schools, school_search
from syslead.schools.sips import may_name_sips

#: Suggestions answered for one query.
SUGGESTIONS_SHOWN = 10
#: Characters typed before suggestions are looked up, and the most a query may have.
QUERY_MIN = 2
QUERY_MAX = 100
#: What each field asks for: an LA-route request's school (in an organisation's name), a school
#: whose SIP a local authority names (its area, to its coordinators: ``schools.sips``), or any
#: school on the register (a direct approach's optional school).
PURPOSES = ("la", "named_sip", "any")


def _refused(detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=400)


@login_required
@require_GET
def school_suggestions(request: HttpRequest) -> JsonResponse:
    """``GET ?q=words&for=la|named_sip|any&organisation=ID``: ``{"results": [{urn, name, town,
    la}, …]}``. Signed-in only; fewer than two characters answer no results; bad input answers
    400 with a ``detail``."""
    assert isinstance(request.user, User)
    query = " ".join(request.GET.get("q", "").split())
    purpose = request.GET.get("for", "")
    if len(query) > QUERY_MAX:
        return _refused(f"Type at most {QUERY_MAX} characters.")
    if purpose not in PURPOSES:
        return _refused(f"Say what the school is for: one of {', '.join(PURPOSES)}.")
    within: QuerySet[School] = School.objects.all()
    if purpose in ("la", "named_sip"):
        organisation_id = whole_number(request.GET.get("organisation"))
        organisation = (
            Organisation.objects.filter(pk=organisation_id).first()
            if organisation_id is not None
            else None
        )
        if organisation is None:
            return _refused("Choose the organisation first.")
        if purpose == "la":
            within = schools_to_ask_for(request.user, Route.LOCAL_AUTHORITY, organisation)
        elif may_name_sips(request.user, organisation):
            within = organisation_schools(organisation)
        else:
            within = School.objects.none()
    if len(query) < QUERY_MIN:
        return JsonResponse({"results": []})
    found = school_search(query, within=within).schools[:SUGGESTIONS_SHOWN]
    results = [
        {"urn": s.urn, "name": s.name, "town": s.town, "la": s.local_authority} for s in found
    ]
    return JsonResponse({"results": results})
