"""Earliest and latest day of every EDTF form the tracker accepts, and the ones it refuses."""

from __future__ import annotations

import pytest

from tracker.core.dates import Bounds, DateError, bounds, day


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2024-01-15", "2024-01-15", "2024-01-15"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2023-02", "2023-02-01", "2023-02-28"),
        ("2024", "2024-01-01", "2024-12-31"),
        ("2023-21", "2023-03-01", "2023-05-31"),  # spring
        ("2023-22", "2023-06-01", "2023-08-31"),  # summer
        ("2023-23", "2023-09-01", "2023-11-30"),  # autumn
        ("2023-24", "2023-12-01", "2024-02-29"),  # winter runs into the next year (edtf says December only)
        ("2023-09/2024-01", "2023-09-01", "2024-01-31"),
        ("2022~", "2021-01-01", "2023-12-31"),
        ("2022?", "2021-01-01", "2023-12-31"),
        ("2022%", "2020-01-01", "2024-12-31"),
        ("2024-03~", "2024-02-01", "2024-04-30"),
        ("2024-01~", "2023-12-01", "2024-02-29"),
        ("2024-02-10?", "2024-02-09", "2024-02-11"),
        ("2022-03-29/", "2022-03-29", "9999-12-31"),  # unknown end: never certainly over
        ("2022-03-29/..", "2022-03-29", "9999-12-31"),
        ("../2022-03-29", "0001-01-01", "2022-03-29"),
        ("2023-23/2024-21", "2023-09-01", "2024-05-31"),
        ("2022-07-22T10:00:00Z", "2022-07-22", "2022-07-22"),
        ("201X", "2010-01-01", "2019-12-31"),  # through the edtf package
        ("2004-XX", "2004-01-01", "2004-12-31"),
        ("[2022-03-28,2022-03-29]", "2022-03-28", "2022-03-29"),
    ],
)
def test_bounds(text: str, earliest: str, latest: str) -> None:
    assert bounds(text) == Bounds(earliest, latest)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024-13",
        "2024-02-30",
        "0000",
        "0000-01-01",
        "12345",
        "Y12345",
        "2024-21~",
        "tomorrow",
        "2024/2023",
        "/",
        "2024-01-01/2023-01-01",
        " 2024",
        "2024-1-1",
        "XXXX-12",
        "a/b/c",
    ],
)
def test_refused(text: str) -> None:
    with pytest.raises(DateError):
        bounds(text)


def test_question_day() -> None:
    assert day("2024-02-14") == "2024-02-14"
    for bad in ("2024-02", "2024-02-30", "14/02/2024", "2024-02-14T00:00"):
        with pytest.raises(DateError):
            day(bad)
