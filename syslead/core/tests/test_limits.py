"""Numbers read from query strings, search boxes and forms: only plain digits within the
database's range are numbers; anything else finds nothing instead of failing."""

from __future__ import annotations

import pytest

from syslead.core.limits import MAX_ID, MAX_URN, too_large_detail, whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("0", 0),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 400, None),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("1e30", None),
        ("", None),
        (None, None),
    ],
)
def test_whole_number_reads_only_plain_digits_in_range(text: str | None, expected: int | None):
    assert whole_number(text) == expected


def test_a_urn_beyond_its_range_is_not_a_number():
    assert whole_number(str(MAX_URN), MAX_URN) == MAX_URN
    assert whole_number(str(MAX_URN + 1), MAX_URN) is None


def test_the_size_limit_is_stated_in_megabytes():
    assert "2.5 MB" in too_large_detail()
