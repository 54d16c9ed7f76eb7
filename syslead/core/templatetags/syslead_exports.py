"""The "Download CSV" and "Download Excel" links under a list: they keep the page's filters."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("includes/export_links.html", takes_context=True)
def export_links(
    context: dict[str, Any], url_name: str, what: str, **kwargs: Any
) -> dict[str, Any]:
    """Links to the list's downloads (``url_name`` takes ``fmt`` and ``kwargs``), with the page's
    query string but its page number: a download holds every row the filters keep."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is not None:
        query.pop("page", None)
    suffix = f"?{query.urlencode()}" if query else ""
    return {
        "what": what,
        "csv_url": reverse(url_name, kwargs={**kwargs, "fmt": "csv"}) + suffix,
        "xlsx_url": reverse(url_name, kwargs={**kwargs, "fmt": "xlsx"}) + suffix,
    }
