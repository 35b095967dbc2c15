"""Year-end: allocate the year's surplus as the committee decides."""
