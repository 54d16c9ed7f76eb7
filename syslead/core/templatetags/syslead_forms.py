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
from django.utils.html import conditional_escape
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


#: The template of a plain ``<option>`` (``Select`` and ``SelectMultiple``).
PLAIN_OPTION = "django/forms/widgets/select_option.html"


@register.simple_tag
def plain_options(widget: dict[str, Any]) -> SafeString | None:
    """A select's option groups and options written here, the same markup as Django's templates
    (``select.html`` including ``select_option.html`` per option), or None when an option has a
    template of its own. A template include per option took most of a page's time for an
    administrator's list of every broker (a hundred and sixty options)."""
    parts: list[str] = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != PLAIN_OPTION:
                return None
            attrs = "".join(
                f" {conditional_escape(name)}"
                if value is True
                else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                for name, value in option["attrs"].items()
                if value is not False
            )
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{attrs}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    return SafeString("".join(parts))
