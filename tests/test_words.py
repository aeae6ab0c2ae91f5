"""Dates in words (``tracker.views.words``): every EDTF form the tracker accepts, said for readers."""

from __future__ import annotations

import pytest

from tracker.core.dates import DateError
from tracker.views.words import day_words, when, words


@pytest.mark.parametrize(
    ("edtf", "said"),
    [
        # plain precisions
        ("2022-03-12", "12 March 2022"),
        ("2022-03-01", "1 March 2022"),
        ("2022-03", "March 2022"),
        ("2022", "2022"),
        ("0999", "999"),
        # seasons (EDTF 21-24; winter runs into the next year, as tracker.core.dates counts it)
        ("2022-21", "spring 2022"),
        ("2022-22", "summer 2022"),
        ("2022-23", "autumn 2022"),
        ("2022-24", "winter 2022-23"),
        ("1999-24", "winter 1999-00"),
        # qualifiers on a whole date
        ("2022~", "about 2022"),
        ("2022?", "possibly 2022"),
        ("2022%", "about 2022 (uncertain)"),
        ("2024-03~", "about March 2024"),
        ("2024-03-10?", "possibly 10 March 2024"),
        # intervals, closed and open (``..``) or unknown (empty) at one end
        ("2023-09/2024-01", "between September 2023 and January 2024"),
        ("2022-03-28/2022-03-29", "between 28 March 2022 and 29 March 2022"),
        ("2022~/2023-06", "between about 2022 and June 2023"),
        ("../2024-01", "by January 2024"),
        ("/2024-01", "by January 2024"),
        ("2023-09/..", "from September 2023"),
        ("2022-03-29/", "from 29 March 2022"),
        # date-times, with and without a zone
        ("2022-04-02T19:00+03:00", "2 April 2022, 19:00 (UTC+03:00)"),
        ("2022-04-02T16:00Z", "2 April 2022, 16:00 (UTC)"),
        ("2022-04-02T16:00:30", "2 April 2022, 16:00:30"),
        ("2022-04-02T19:00:00+03:00", "2 April 2022, 19:00 (UTC+03:00)"),
        ("2022-04-02T16:00:30.5-05:00", "2 April 2022, 16:00:30 (UTC-05:00)"),
        # the rarer forms go by their bounds
        ("201X", "between 2010 and 2019"),
        ("[2022-03-28,2022-03-29]", "between 28 March 2022 and 29 March 2022"),
    ],
)
def test_words(edtf: str, said: str) -> None:
    assert words(edtf) == said


@pytest.mark.parametrize("bad", ["", "2022-13", "2022-02-30", "March 2022", "2024/2023", "0000"])
def test_what_is_not_a_date_is_refused(bad: str) -> None:
    with pytest.raises(DateError):
        words(bad)


def test_day_words_and_when() -> None:
    assert day_words("2024-02-29") == "29 February 2024"
    assert when(None) == "-" and when(None, "none") == "none" and when("2022") == "2022"
