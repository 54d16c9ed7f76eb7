"""Tables that stack on small screens, labelled on the server (docs/ux.md, "Small screens").

``{% stacks %}<table class="table">…</table>{% endstacks %}`` renders the table as written, then
marks it ``table--stacks`` and gives every body and footer cell a ``data-label`` naming its
column, taken from the last row of the table's ``<thead>`` (words shown only to screen readers,
like a column of buttons' heading, label nothing). Below the tablet breakpoint the stylesheet
then shows each row as a short block, each cell headed by its label — without JavaScript. A cell
the template labelled itself keeps its label; a cell spanning columns gets none.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django import template
from django.template.base import NodeList, Parser, Token
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

STACKS_CLASS = "table--stacks"
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s[^>]*)?)>|<!--.*?-->", re.DOTALL)
#: Outside the heading rows only the table's own tags matter: the scan skips every other element
#: (a shortlist's rows hold many), which is most of the work. Same grammar as ``TAG``.
TABLE_TAG = re.compile(
    r"<(/?)(table|thead|tbody|tfoot|tr|td|th)((?:\s[^>]*)?)>|<!--.*?-->", re.DOTALL | re.IGNORECASE
)
CLASS = re.compile(r"""\bclass\s*=\s*(["'])(.*?)\1""", re.DOTALL)
COLSPAN = re.compile(r"""\bcolspan\s*=\s*["']?(\d+)""")
HAS_LABEL = re.compile(r"\sdata-label\s*=")
HIDDEN_CLASSES = {"visually-hidden", "govuk-visually-hidden"}
VOID = {"br", "img", "input", "hr", "wbr", "col", "source", "meta", "link"}


def _classes(attrs: str) -> set[str]:
    found = CLASS.search(attrs)
    return set(found.group(2).split()) if found else set()


def _colspan(attrs: str) -> int:
    found = COLSPAN.search(attrs)
    return max(int(found.group(1)), 1) if found else 1


def _with_class(start_tag: str, attrs: str, name: str) -> str:
    """The ``<table …>`` tag with one more class."""
    found = CLASS.search(attrs)
    if found is None:
        return f'<table class="{name}"{attrs}>'
    if name in found.group(2).split():
        return start_tag
    quote, value = found.group(1), found.group(2)
    classes = f"class={quote}{value} {name}{quote}"
    return f"<table{attrs[: found.start()]}{classes}{attrs[found.end() :]}>"


class _Headings:
    """Collects the text of the thead's rows of headings (the last row is the one used)."""

    def __init__(self) -> None:
        self.rows: list[list[tuple[str, int]]] = []
        self.text: list[str] | None = None  # inside a th
        self.colspan = 1
        self.hidden_depth = 0  # inside an element shown only to screen readers
        self.depth = 0

    def start_row(self) -> None:
        self.rows.append([])

    def start_cell(self, attrs: str) -> None:
        self.text, self.colspan, self.depth, self.hidden_depth = [], _colspan(attrs), 0, 0

    def end_cell(self) -> None:
        if self.text is None:
            return
        words = re.sub(r"\s+", " ", html.unescape("".join(self.text))).strip()
        if not self.rows:
            self.rows.append([])
        self.rows[-1].append((words, self.colspan))
        self.text = None

    def open(self, name: str, attrs: str) -> None:
        if self.text is None or name in VOID:
            return
        self.depth += 1
        if not self.hidden_depth and _classes(attrs) & HIDDEN_CLASSES:
            self.hidden_depth = self.depth

    def close(self) -> None:
        if self.text is None:
            return
        if self.hidden_depth and self.depth == self.hidden_depth:
            self.hidden_depth = 0
        self.depth = max(self.depth - 1, 0)

    def add_text(self, text: str) -> None:
        if self.text is not None and not self.hidden_depth:
            self.text.append(text)

    def by_column(self) -> list[str]:
        """The label of each column: a heading spanning columns names each of them."""
        columns: list[str] = []
        for words, span in self.rows[-1] if self.rows else []:
            columns.extend([words] * span)
        return columns


def label_table(markup: str) -> str:
    """The tables in ``markup`` marked to stack, their body and footer cells labelled."""
    out: list[str] = []
    position = 0
    depth = 0  # tables open (a table inside a table's cell is left alone)
    section = ""  # "thead", "tbody" or "tfoot" of the outer table
    headings = _Headings()
    labels: list[str] = []
    column = 0
    while True:
        # Every tag inside the heading rows (their words, the visually hidden parts); elsewhere
        # only the table's own.
        match = (TAG if section == "thead" else TABLE_TAG).search(markup, position)
        if match is None:
            break
        text = markup[position : match.start()]
        out.append(text)
        if depth == 1 and section == "thead":
            headings.add_text(text)
        position = match.end()
        tag = match.group(0)
        if match.group(2) is None:  # a comment
            out.append(tag)
            continue
        closing, name, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3) or ""
        if name == "table":
            if closing:
                depth -= 1
            else:
                depth += 1
                if depth == 1:
                    tag = _with_class(tag, attrs, STACKS_CLASS)
                    headings, labels, section = _Headings(), [], ""
            out.append(tag)
            continue
        if depth != 1:
            out.append(tag)
            continue
        if name == "tr" and not closing and not section:
            section = "tbody"  # rows written without a <tbody> are the body's
            labels = labels or headings.by_column()
        if name in {"thead", "tbody", "tfoot"}:
            section = "" if closing else name
            if not closing and name != "thead" and not labels:
                labels = headings.by_column()
        elif section == "thead":
            if name == "tr" and not closing:
                headings.start_row()
            elif name == "th" and not closing:
                headings.start_cell(attrs)
            elif name == "th" and closing:
                headings.end_cell()
            elif closing:
                headings.close()
            else:
                headings.open(name, attrs)
        elif section in {"tbody", "tfoot"}:
            if name == "tr" and not closing:
                column = 0
            elif name in {"td", "th"} and not closing:
                span = _colspan(attrs)
                label = labels[column] if column < len(labels) else ""
                if span == 1 and label and not HAS_LABEL.search(attrs):
                    tag = f'<{match.group(2)} data-label="{escape(label)}"{attrs}>'
                column += span
        out.append(tag)
    out.append(markup[position:])
    return "".join(out)


class StacksNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Any) -> SafeString:
        return mark_safe(label_table(self.nodelist.render(context)))


@register.tag
def stacks(parser: Parser, token: Token) -> StacksNode:
    """``{% stacks %}<table …>…</table>{% endstacks %}``: see the module docstring."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("stacks takes no arguments")
    nodelist = parser.parse(("endstacks",))
    parser.delete_first_token()
    return StacksNode(nodelist)
