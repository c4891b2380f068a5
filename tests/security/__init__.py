"""Security regression tests: each written from the side of the person who must be refused
or protected (issue 13)."""
