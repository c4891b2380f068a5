"""Finding services: the search query API with its two backends, the index, and the search
and map pages and API."""
