"""Demo network for Leuven and surroundings (clearly marked as demo data)."""
