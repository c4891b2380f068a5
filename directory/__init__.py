"""The network's directory: organisations, services, locations, opening hours and taxonomy.
Apps above it add to it through directory.extension_points; it names none of them."""
