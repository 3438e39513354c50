"""Ordering in the exchange formats: Moodle's ordering plugin; GIFT cannot hold it (explicitly
not exportable there, and refused on import); Canvas classic quizzes have no ordering type
(`canvas_type` stays empty: left out of an export with a note)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from ...exchange.gift import ORDERING_REFUSED
from ...exchange.moodle_xml import answer_element, read_text
from ..exchange_mapping import ExchangeMapping, Read


class OrderingExchange(ExchangeMapping):
    """The items in the right order."""

    moodle_type = "ordering"
    moodle_reads = ("ordering",)
    gift_order = 0

    def write_moodle(self, question: Element, data: Mapping[str, Any]) -> None:
        """The plugin's settings (its RELATIVE_NEXT_EXCLUDE_LAST is how ordering grades here)
        and the items, numbered, without feedback (as the plugin exports them)."""
        items = data["items"]
        settings = {
            "layouttype": "VERTICAL",
            "selecttype": "ALL",
            "selectcount": str(len(items)),
            "gradingtype": "RELATIVE_NEXT_EXCLUDE_LAST",
            "showgrading": "SHOW",
        }
        for tag, value in settings.items():
            SubElement(question, tag).text = value
        for position, text in enumerate(items, start=1):
            answer_element(question, str(position), text, feedback=None)

    def read_moodle(self, question: Element, fmt: str) -> Read:
        """The plugin takes the answers in document order as the right order."""
        return {"items": [read_text(a, fmt) for a in question.findall("answer")]}, []

    def gift_refusal(self, data: Mapping[str, Any]) -> str | None:
        """Not exportable to GIFT."""
        return "GIFT has no ordering type; export it as Moodle XML or JSON"

    def gift_lines(self, data: Mapping[str, Any]) -> list[str]:
        """Never written (see gift_refusal)."""
        return []

    def claims_gift(self, body: str) -> bool:
        """Moodle's ordering plugin extends GIFT with `{>...}`."""
        return body.startswith(">")

    def read_gift(self, body: str, fmt: str) -> Read:
        """Refused: the extension's syntax is not read here."""
        return {}, [ORDERING_REFUSED]

    def from_texts(self, choices: list[str], correct: list[str]) -> dict[str, Any]:
        """The key's texts are the items in order."""
        return {"items": list(correct)}


MAPPING = OrderingExchange()
