"""Checking: verify the hash chain and the projections, print the head, rebuild."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.commands.app import (
    DbOption,
    JsonOption,
    _open,
    app,
    handled,
)

# --- audit trail: verify, head, audit explained, why, diff (issue 3) ---

HeadOption = Annotated[
    str | None,
    typer.Option(
        "--head", metavar="SEQ:HASH", help="A head published earlier (SEQ:HASH): prove the log then is a prefix."
    ),
]


@app.command()
@handled
def verify(
    head: HeadOption = None,
    projections: Annotated[
        bool, typer.Option("--projections/--no-projections", help="Also replay the log to check derived tables.")
    ] = True,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Recompute the hash chain and check every derived table; exit 1 on any fault.

    Example: tracker verify --head 42:3f1c...e9
    """
    from tracker.views import audit_text as render_audit

    with _open(db) as t:
        result = t.verify(head, projections=projections)
    if json:
        typer.echo(render_audit.to_json(render_audit.verification_dict(result)))
    else:
        typer.echo(render_audit.verification_text(result))
    if not result.ok:
        raise typer.Exit(1)


@app.command()
@handled
def head(json: JsonOption = False, db: DbOption = None) -> None:
    """Print the head of the log as SEQ:HASH, to publish and check later with verify --head.

    Example: tracker head
    """
    from tracker.views import audit_text as render_audit

    with _open(db) as t:
        seq, digest = t.head()
    typer.echo(render_audit.to_json({"seq": seq, "hash": digest}) if json else f"{seq}:{digest}")


# --- projections (issue 4) ---


@app.command()
@handled
def rebuild(db: DbOption = None) -> None:
    """Recreate every projection (current state, valid-time intervals) from the log.

    Example: tracker rebuild --db tracker.db
    """
    with _open(db) as t:
        t.store.rebuild()
        count = t.store.count()
    typer.echo(f"rebuilt the projections from {count} event(s)", err=True)
