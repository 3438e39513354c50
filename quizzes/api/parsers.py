"""The API's JSON parser: every body it cannot read is a 400 in the error envelope."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

TOO_DEEP = "JSON parse error - lists and objects nest too deep."


class JSONParser(parsers.JSONParser):
    """DRF's parser, but JSON nested deeper than the decoder follows is a ParseError (400).

    DRF catches only ValueError, and the decoder raises RecursionError past about a thousand
    levels, so without this a few kilobytes of brackets were a 500 on any API write.
    """

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: dict | None = None
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(TOO_DEEP) from error
