"""Operating the fund's server: backup, restore, moving to PostgreSQL, invariant checks."""
