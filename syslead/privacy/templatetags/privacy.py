"""``{% read_log_link "concern" concern.pk %}``: a link to who read the record, shown only to
those who may see that log (administrators; a concern's named person)."""

from __future__ import annotations

from typing import Any

from django import template

from syslead.privacy.audit import may_see_reads

register = template.Library()


@register.inclusion_tag("privacy/includes/read_log_link.html", takes_context=True)
def read_log_link(context: dict[str, Any], kind: str, record_id: int) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "show": record_id is not None and may_see_reads(user, kind, int(record_id)),
        "kind": kind,
        "record_id": record_id,
    }
