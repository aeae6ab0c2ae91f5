"""A small story for the sharing tests: vague dates, sources, a retraction and hostile text."""

from __future__ import annotations

from typing import Any

from helpers import ev

HOSTILE = '<script>alert("x")</script> & =HYPERLINK("http://evil") *bold* [link](http://evil) | pipe'


def story() -> list[dict[str, Any]]:
    """Two proposals: one with a vague float, a rejection and a retracted acceptance; one plain."""
    src = {"outlet": "Daily <b>News</b>", "title": "Talks & ceasefire: " + HOSTILE, "published": "2024-02-13",
           "url": "https://example.org/a(b)<c>", "attribution": "officials", "quote": "a truce along the lines"}
    return [
        ev("floated", "alpha-2024", "russia", "2023-09/2024-01", id="a.f", addressees=["united-states"],
           person="Vladimir Putin", note="Signals via intermediaries. " + HOSTILE, sources=[src],
           terms="freeze the front"),
        ev("accepted", "alpha-2024", "united-states", "2024-01-10", id="a.acc", note="mistaken report"),
        ev("retracted", "alpha-2024", "editor", "2024-01-20", id="a.ret", target="a.acc", reason="wrong outlet"),
        ev("rejected", "alpha-2024", "united-states", "2024-01", id="a.rej", sources=[
            {"outlet": "Wire", "title": "Sullivan said no", "published": "2024-02-13"}]),
        ev("floated", "beta-2025", "united-states", "2025-03-11", id="b.f", addressees=["russia"]),
        ev("considering", "beta-2025", "russia", "2025-03-12", id="b.c"),
    ]
