"""Finding services: the search query API and its views (database backend for now)."""
