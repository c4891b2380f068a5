"""The `<id:...>` path converter for every database id in the project's URLs.

Django's `<int:...>` accepts any number of digits, and an id beyond what the database can
hold (2**63 - 1, SQLite's and PostgreSQL's bigint) reaches the query and fails there (SQLite:
OverflowError, a 500). `<id:...>` refuses it while resolving, so such a URL is a plain 404.
tests/security/test_ids.py keeps the project's URLs on it.
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")  # Django answers a ValueError with a 404
        return number

    def to_url(self, value) -> str:
        number = int(value)
        if not 0 <= number <= MAX_ID:
            raise ValueError("id out of range")  # reverse() then raises NoReverseMatch
        return str(number)


def register() -> None:
    register_converter(IdConverter, "id")
