"""The coordinators' directory's table rows, written here rather than through the template
language: the same markup as the loop they replace (``leaders/directory.html``), a row of
twenty-five in a page that reads thousands of leaders cost most of its template's time. Each
designation's tag still comes from its template (``leaders/includes/designation_tag.html``),
rendered once per code and status."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from syslead.leaders.selectors import DirectoryRow

register = template.Library()

DESIGNATION_TAG = "leaders/includes/designation_tag.html"
_NONE = '<span class="muted">None</span>'


@register.simple_tag
def directory_rows(rows: Iterable[DirectoryRow], place: Any) -> SafeString:
    """The ``<tr>`` of each row, as ``{% for row in rows %}…{% endfor %}`` wrote them (the same
    whitespace, escaping and number formats: Django's own ``floatformat``)."""
    tag = get_template(DESIGNATION_TAG)
    tags: dict[tuple[str, str], str] = {}
    esc = conditional_escape
    out: list[str] = []
    for row in rows:
        shared = (
            '<div class="small"><strong class="tag">Shared by '
            f"{esc(' and ').join(esc(name) for name in row.shared_by)}</strong></div>"
            if row.shared_by
            else ""
        )
        designations = []
        for d in row.designations:
            key = (d.code, d.status)
            if key not in tags:
                tags[key] = tag.render({"code": d.code, "status": d.status})
            designations.append(f"{tags[key]} ")
        postcode = f", {esc(row.postcode)}" if row.postcode else ""
        specialisms = ", ".join(str(esc(s.label)) for s in row.specialisms)
        distance = ""
        if place:
            far = (
                f"{floatformat(row.distance_km, 1)} km"
                if row.distance_km is not None
                else "Not known"
            )
            distance = f'<td class="num">{far}</td>'
        released = floatformat(row.capacity.released, "-1")
        flags = ""
        if not row.deployable:
            flags += '<strong class="tag tag--red">Not deployable</strong>'
            if not row.core_training_completed_on:
                flags += '<div class="small">No core training</div>'
        if row.unsigned_agreements:
            flags += (
                ' <strong class="tag tag--red">Agreement not signed</strong><div class="small">'
                f"Not deployable for {esc(', ').join(esc(n) for n in row.unsigned_agreements)}"
                "</div>"
            )
        if row.capacity.over_committed:
            flags += ' <strong class="tag tag--amber">Over-committed</strong>'
        url = esc(reverse("leaders:detail", args=[row.leader_id]))
        out.append(
            "\n        <tr>\n"
            f'          <td><a href="{url}">{esc(row.name)}</a>'
            f'<div class="small muted">{esc(row.job_title)}</div>{shared}</td>\n'
            f"          <td>{''.join(designations) or _NONE}</td>\n"
            f"          <td>{esc(row.home_school_name)}"
            f'<div class="small muted">{esc(row.local_authority)}{postcode}</div></td>\n'
            f"          <td>{specialisms or _NONE}</td>\n"
            f"          {distance}\n"
            f'          <td class="num">{floatformat(row.remaining_days, "-1")}'
            f'<span class="visually-hidden"> of {released} released</span>'
            f'<div class="small muted" aria-hidden="true">of {released}</div></td>\n'
            f"          <td>{flags}</td>\n"
            "        </tr>\n        "
        )
    return SafeString("".join(out))
