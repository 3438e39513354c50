"""URL converters."""


class IdConverter:
    """A database id: up to 18 digits, so it always fits a 64-bit integer column.

    `<int:…>` takes any length, and an id beyond 2^63 makes the database raise instead of
    finding nothing; with this converter such a URL is simply not found (404).
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
