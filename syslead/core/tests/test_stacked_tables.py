"""Tables stack on small screens without JavaScript: the server writes each cell's ``data-label``
and the ``table--stacks`` class (docs/ux.md, "Small screens"; issue 12, item 6)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client

from syslead.accounts.models import User
from syslead.core.templatetags.syslead_tables import label_table
from syslead.deployments.models import Deployment
from syslead.visits.services import log_entry_add
from syslead.visits.tests.conftest import deployment, leader  # noqa: F401
from syslead.visits.tests.factories import make_visit

Login = Callable[[User], Client]


class _Cells(HTMLParser):
    """The data tables of a page: for each, whether it stacks and its body cells' attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[set[str], list[dict[str, str | None]]]] = []
        self.depth = 0
        self.section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.tables.append((set((found.get("class") or "").split()), []))
        elif self.depth == 1 and tag in {"thead", "tbody", "tfoot"}:
            self.section = tag
        elif self.depth == 1 and tag == "td" and self.section in {"tbody", "tfoot"}:
            self.tables[-1][1].append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.depth -= 1
        elif tag in {"thead", "tbody", "tfoot"}:
            self.section = ""


def _stacked_cells(html: str) -> list[dict[str, str | None]]:
    """Every body cell of the page's data tables, after checking that each table stacks."""
    parser = _Cells()
    parser.feed(html)
    cells = []
    for classes, table_cells in parser.tables:
        if classes & {"table", "govuk-table"} and "rag-grid" not in classes:
            assert "table--stacks" in classes, classes
            cells += table_cells
    return cells


def test_the_tag_labels_each_cell_from_its_column_heading() -> None:
    """Rule (docs/ux.md, "Small screens"): a stacked table's cells name their columns; a cell
    labelled by the template keeps its label, a spanning cell and a column whose heading is only
    for screen readers get none."""
    rendered = Template(
        "{% load syslead_tables %}{% stacks %}"
        '<table class="table"><thead><tr><th scope="col">Name &amp; <abbr>URN</abbr></th>'
        '<th scope="col">Days</th><th><span class="visually-hidden">Actions</span></th></tr>'
        '</thead><tbody>{% for row in rows %}<tr><th scope="row">{{ row }}</th><td>1</td>'
        '<td data-label="Own">x</td></tr>{% endfor %}<tr><td colspan="3">None</td></tr></tbody>'
        "</table>{% endstacks %}"
    ).render(Context({"rows": ["<A>"]}))
    assert '<table class="table table--stacks">' in rendered
    assert '<th data-label="Name &amp; URN" scope="row">&lt;A&gt;</th>' in rendered
    assert '<td data-label="Days">1</td>' in rendered
    assert '<td data-label="Own">x</td>' in rendered
    assert '<td colspan="3">None</td>' in rendered


def test_rows_without_a_tbody_and_nested_tables() -> None:
    markup = (
        "<table class='govuk-table'><thead><tr><th>A</th><th colspan='2'>B</th></tr></thead>"
        "<tr><td>1</td><td>2</td><td><table class='table'><tr><td>in</td></tr></table></td></tr>"
        "</table>"
    )
    assert label_table(markup) == (
        "<table class='govuk-table table--stacks'><thead><tr><th>A</th><th colspan='2'>B</th>"
        '</tr></thead><tr><td data-label="A">1</td><td data-label="B">2</td>'
        "<td data-label=\"B\"><table class='table'><tr><td>in</td></tr></table></td></tr></table>"
    )


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("coordinator", "/deployments/"),
        ("coordinator", "/requests/"),
        ("client_head", "/deployments/{id}/delivery/"),
        ("leader_user", "/deployments/{id}/log/?term=2025-26-autumn"),
        ("leader_user", "/deployments/{id}/"),
    ],
)
def test_every_cell_of_a_pages_tables_is_labelled_by_the_server(
    request: pytest.FixtureRequest,
    login: Login,
    leader_user: User,
    deployment: Deployment,  # noqa: F811
    who: str,
    path: str,
) -> None:
    """Rule (docs/ux.md, "Small screens"): with no script run, every table of the page is marked
    to stack and every body cell but a spanning one has its ``data-label``."""
    log_entry_add(
        actor=leader_user,
        deployment=deployment,
        date=dt.date(2025, 10, 2),
        hours=Decimal(2),
        activity="preparation",
        actions="Read the data",
    )
    make_visit(deployment)
    html = login(request.getfixturevalue(who)).get(path.format(id=deployment.pk))
    assert html.status_code == 200
    cells = _stacked_cells(html.content.decode())
    assert cells, "the page has a table with rows"
    unlabelled = [
        cell for cell in cells if not cell.get("data-label") and cell.get("colspan") in (None, "1")
    ]
    assert not unlabelled


TABLE = re.compile(r"<table\b[^>]*>", re.IGNORECASE)


def test_every_data_table_in_the_templates_stacks() -> None:
    """Rule (docs/ux.md, "Small screens"): every data table (class ``table`` or ``govuk-table``)
    a template writes is wrapped in ``{% stacks %}``, but a matrix (``rag-grid``), which scrolls
    in its own region instead."""
    root = Path(__file__).resolve().parents[2]
    unwrapped = []
    for path in sorted(root.rglob("templates/**/*.html")):
        text = path.read_text()
        for match in TABLE.finditer(text):
            found = re.search(r'class="([^"]*)"', match.group(0))
            classes = set(found.group(1).split()) if found else set()
            if not classes & {"table", "govuk-table"} or "rag-grid" in classes:
                continue
            if not text[: match.start()].endswith("{% stacks %}"):
                unwrapped.append(f"{path.relative_to(root)}: {match.group(0)}")
    assert not unwrapped, "Tables not wrapped in {% stacks %}:\n" + "\n".join(unwrapped)
