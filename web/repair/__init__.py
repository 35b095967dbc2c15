"""The repair center\x27s screens."""
