"""Members of the fund: the registry, their sensitive data kept apart, and imports."""
