"""Demo catalogue (being written)."""
