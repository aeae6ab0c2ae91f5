"""The functional core: events, dates, the one rule book, replay and the pure views of a log.

Standard library only (pydantic at the input edge, in ``events`` and ``validate``).
"""
