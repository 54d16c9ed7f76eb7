"""Dating the demo's casework: what the services write inside ``Clock.on(day)`` reads as if it had
been done on that day.

The services stamp what they write with the moment they run (``auto_now_add`` fields, and fields
set from ``timezone.now()`` such as an approach's ``sent_at`` or a note of visit's
``submitted_at``), and none of them takes a time: a demo built through them would show a year of
casework all done today. So each step of the demo's casework runs inside ``Clock.on(day)``, which
notes the span of real time the step took; at the end, ``Clock.settle()`` moves every date-time
field of the casework's tables (the audit trail and the inbox included) that holds a moment within
a step's span back to that step's day, with one queryset update per table. This is the one place
the demo sets historical fields itself, and it only ever moves time stamps: the services have made
every decision and checked every rule. Dates the services take as arguments (a visit's date, a
release's ``agreed_on``, ``completed_on``…) are given to them directly.

Some rules read time stamps (an approach with no answer after three school days, a note of visit
not agreed after five): dating the step is what puts those in the state the demo shows. Nothing in
the build reads them, so settling once at the end is enough.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection, models
from django.db.models import F
from django.utils import timezone

from syslead.notifications.models import Notification

#: The apps whose rows the casework's services write.
DATED_APPS = (
    "core",
    "brokering",
    "deployments",
    "visits",
    "evaluation",
    "leaders",
    "notifications",
    "alliances",
    "boards",
)
#: Messages older than this were read at the time (the rest are the person's unread inbox).
READ_AFTER = dt.timedelta(days=14)
#: Spans per UPDATE statement (three parameters each: well within every database's limit).
SPANS_PER_UPDATE = 200


def _dated_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for label in DATED_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, models.DateTimeField)
            ]
            if fields:
                found.append((model, fields))
    return found


class Clock:
    """Runs the demo's steps "on" past days (see the module's docstring)."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._spans: list[tuple[dt.datetime, dt.datetime, dt.datetime]] = []
        self._first_message = (
            Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )

    def moment(self, day: dt.date, hour: int = 10) -> dt.datetime:
        """``hour`` o'clock on ``day`` (local time), never later than now."""
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        return min(when, timezone.now())

    @contextmanager
    def on(self, day: dt.date, hour: int = 10) -> Iterator[dt.datetime]:
        """Run the step as if on ``day`` at ``hour`` (settled by ``settle``)."""
        when = self.moment(day, hour)
        started = timezone.now()
        yield when
        self._spans.append((started, timezone.now(), when))

    def settle(self) -> None:
        """Move every time stamp written during a step to the step's moment (one UPDATE per
        table, in SQL: the ORM would build tens of thousands of expressions); messages older
        than ``READ_AFTER`` are marked read then."""
        if not self._spans:
            return
        quote = connection.ops.quote_name
        first = connection.ops.adapt_datetimefield_value(self._spans[0][0])
        with connection.cursor() as cursor:
            for model, fields in _dated_fields():
                table = quote(model._meta.db_table)
                for start in range(0, len(self._spans), SPANS_PER_UPDATE):
                    spans = [
                        tuple(connection.ops.adapt_datetimefield_value(m) for m in span)
                        for span in self._spans[start : start + SPANS_PER_UPDATE]
                    ]
                    branches = " ".join(["WHEN {c} BETWEEN %s AND %s THEN %s"] * len(spans))
                    sets = ", ".join(
                        f"{quote(name)} = CASE {branches.format(c=quote(name))} "
                        f"ELSE {quote(name)} END"
                        for name in fields
                    )
                    where = " OR ".join(f"{quote(name)} >= %s" for name in fields)
                    params = [value for _ in fields for span in spans for value in span]
                    cursor.execute(
                        f"UPDATE {table} SET {sets} WHERE {where}",  # noqa: S608
                        [*params, *[first] * len(fields)],
                    )
        Notification.objects.filter(
            pk__gt=self._first_message,
            read_at__isnull=True,
            created_at__lt=timezone.now() - READ_AFTER,
        ).update(read_at=F("created_at"))
        self._spans.clear()
