"""The fund's own income and spending: grants, donations and operating expenses."""
