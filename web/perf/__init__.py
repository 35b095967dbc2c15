"""Performance tooling: the bulk scale-data loader behind ``chaeson demo --bulk``."""
