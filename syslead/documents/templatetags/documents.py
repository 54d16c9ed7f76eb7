"""``{% documents_section record %}``: the "Documents" section of a request's or an agreement's
page (docs/documents.md), for whoever may see the record (the page has already checked). A person
who may add a document is linked to the page that adds one."""

from __future__ import annotations

from typing import Any

from django import template

from syslead.brokering.models import SupportRequest
from syslead.documents.access import Owner, documents_of, may_add, may_remove
from syslead.documents.services import size_text

register = template.Library()


@register.inclusion_tag("documents/_section.html", takes_context=True)
def documents_section(context: template.Context, owner: Owner) -> dict[str, Any]:
    user = context["request"].user
    rows = [
        {
            "document": document,
            "size": size_text(document.size),
            "remove": may_remove(user, document),
        }
        for document in documents_of(owner)
    ]
    on_request = isinstance(owner, SupportRequest)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "rows": rows,
        "may_add": may_add(user, owner),
        "add_url_name": "documents:add_to_request" if on_request else "documents:add_to_agreement",
        "owner": owner,
        "record_word": "request" if on_request else "agreement",
    }
