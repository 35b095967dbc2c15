"""SQL helpers shared by the repair center's queries."""

from __future__ import annotations

from sqlalchemy import BigInteger, cast, func


def total(column):
    """SUM as a whole number, 0 when there are no rows (PostgreSQL sums bigints as numeric)."""
    return func.coalesce(cast(func.sum(column), BigInteger), 0)
