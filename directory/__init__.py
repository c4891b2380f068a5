"""The network's directory: organisations, services, locations, opening hours and taxonomy."""
