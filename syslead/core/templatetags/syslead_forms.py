"""Form rendering in the GOV.UK manner (docs/ux.md, "Forms").

``{{ form.field.as_field_group }}`` renders a field with the project's field template; where a
page needs a variation of it (the label as the page's heading, radios side by side, RAG colours,
checkboxes in columns, other words for the legend), ``{% field_group form.field inline=True %}``
renders the same template with those options.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

OPTIONS = {"legend", "label", "heading", "inline", "rag", "columns", "empty", "prefix"}


@register.simple_tag
def field_group(field: BoundField, **options: Any) -> SafeString:
    """The field's form group, with the page's options (see the module docstring)."""
    unknown = set(options) - OPTIONS
    if unknown:
        raise template.TemplateSyntaxError(f"field_group: unknown option {sorted(unknown)}")
    context = {**field.get_context(), **options}
    return SafeString(field.render(context=context))
