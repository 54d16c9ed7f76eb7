"""Looking one record up by its key, cheaply.

``QuerySet.first()`` orders the query (by the model's ordering, or by primary key) so that "first"
means something. Ordering costs nothing in the database for a lookup by key, but it costs Django:
to order by position it hashes every selected column, and a lookup that joins its related rows
(``select_related``) selects hundreds. Measured on an agreement joined to its leader, schools,
organisation and request: 18 ms to build the SQL with the ordering, 3.5 ms without (the query
itself takes 1 ms). Every page that opens one record does such a lookup, so does every access
check (docs/testing.md, "Keeping it quick").

``one_or_none`` asks for at most one row, unordered: for a lookup that can match at most one row
(a primary key, a unique field) it is the same answer as ``first()``.

``raw_rows`` reads many rows: Django's per-row and per-value work (model instances, converters)
costs more than the query on thousands of rows, so a ``values_list`` queryset of plain values can
be read straight from the database cursor instead.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """The one row a lookup by key finds, or None (unordered: see the module's docstring)."""
    for row in queryset.order_by()[:1]:
        return row
    return None


def raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset straight from the cursor, as the database driver
    gives them: no converters run (on SQLite dates come as text, booleans as 0 or 1, decimals as
    floats), so only for columns read as plain numbers and text, or tested for being set."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
