"""The SQLite edge: the append-only log, its projections, verification, backup and the clock."""
