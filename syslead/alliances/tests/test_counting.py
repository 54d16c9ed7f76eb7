"""The count behind the referral, over any run of meetings: the meetings missed since the last one
attended (present or by a representative), latest first; none before the member joined, none up
to the meeting the board last let it continue after."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from syslead.alliances.models import ATTENDED, AttendanceStatus
from syslead.alliances.services import consecutive_missed

STATUSES = [s.value for s in AttendanceStatus]
FIRST = dt.date(2024, 10, 1)


def _rows(statuses: list[str]) -> list[Any]:
    """One meeting a month from October 2024, in a shuffled-looking order (reverse)."""
    rows = []
    for n, status in enumerate(statuses):
        meeting = SimpleNamespace(pk=n + 1, held_on=FIRST + dt.timedelta(days=30 * n))
        rows.append(SimpleNamespace(meeting=meeting, status=status, attended=status in ATTENDED))
    return list(reversed(rows))


def _member(joined_on: dt.date = dt.date(2024, 9, 1), after: Any = None) -> Any:
    return SimpleNamespace(joined_on=joined_on, count_after_meeting=after)


def _trailing_misses(statuses: list[str]) -> int:
    count = 0
    for status in reversed(statuses):
        if status in ATTENDED:
            break
        count += 1
    return count


@given(st.lists(st.sampled_from(STATUSES), max_size=12))
def test_the_count_is_the_run_of_misses_since_the_last_meeting_attended(
    statuses: list[str],
) -> None:
    assert consecutive_missed(_member(), _rows(statuses)) == _trailing_misses(statuses)


@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=12), st.data())
def test_meetings_before_joining_never_count(statuses: list[str], data: st.DataObject) -> None:
    joins_at = data.draw(st.integers(min_value=0, max_value=len(statuses) - 1))
    joined_on = FIRST + dt.timedelta(days=30 * joins_at)
    rows = _rows(statuses)
    assert consecutive_missed(_member(joined_on), rows) == min(
        _trailing_misses(statuses), len(statuses) - joins_at
    )


@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=12), st.data())
def test_after_the_boards_continue_only_later_meetings_count(
    statuses: list[str], data: st.DataObject
) -> None:
    mark = data.draw(st.integers(min_value=0, max_value=len(statuses) - 1))
    rows = _rows(statuses)
    after = next(r.meeting for r in rows if r.meeting.pk == mark + 1)
    later = statuses[mark + 1 :]
    assert consecutive_missed(_member(after=after), rows) == _trailing_misses(later)


def test_apologies_are_a_miss_and_a_representative_is_attendance() -> None:
    assert consecutive_missed(_member(), _rows(["present", "apologies", "absent"])) == 2
    assert consecutive_missed(_member(), _rows(["absent", "representative", "apologies"])) == 1
