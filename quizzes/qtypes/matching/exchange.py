"""Matching in the exchange formats: Moodle's matching (subquestions, an empty one a
distractor), GIFT's `{=left -> right}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from ...exchange.common import text_to_html
from ...exchange.gift import escape, escape_text, restore, split_text
from ...exchange.moodle_xml import CONTROL, read_text, text_element
from ..exchange_mapping import ExchangeMapping, Read
from .grader import ARROW


class MatchingExchange(ExchangeMapping):
    """Pairs, and right-hand texts that match nothing (distractors)."""

    moodle_type = "matching"
    moodle_reads = ("matching", "match")
    gift_order = 3

    def write_moodle(self, question: Element, data: Mapping[str, Any]) -> None:
        """A subquestion per pair; a distractor is one with an empty text (as Moodle's)."""
        SubElement(question, "shuffleanswers").text = "true"
        rows = [(p["left"], p["right"]) for p in data["pairs"]]
        rows += [("", d) for d in data.get("distractors") or []]
        for left, right in rows:
            sub = text_element(question, "subquestion", text_to_html(left), "html")
            SubElement(SubElement(sub, "answer"), "text").text = CONTROL.sub("", right)

    def read_moodle(self, question: Element, fmt: str) -> Read:
        """Pairs from the subquestions; an empty text's answer is a distractor."""
        pairs, distractors = [], []
        for sub in question.findall("subquestion"):
            left = read_text(sub, fmt)
            right = (sub.findtext("answer/text") or "").strip()
            if left:
                pairs.append({"left": left, "right": right})
            elif right:
                distractors.append(right)
        return {"pairs": pairs, "distractors": distractors}, []

    def gift_refusal(self, data: Mapping[str, Any]) -> str | None:
        """GIFT cannot escape `->` in a left-hand text."""
        if any("->" in p["left"] for p in data["pairs"]):
            return "a left-hand text contains '->', which GIFT cannot escape"
        return None

    def gift_lines(self, data: Mapping[str, Any]) -> list[str]:
        """`=left -> right` per pair, `= -> right` per distractor."""
        pairs = [f"={escape_text(p['left'])} -> {escape(p['right'])}" for p in data["pairs"]]
        return pairs + [f"= -> {escape(d)}" for d in data.get("distractors") or []]

    def claims_gift(self, body: str) -> bool:
        """`=` answers with `->` in them."""
        return "=" in body and "->" in body

    def read_gift(self, body: str, fmt: str) -> Read:
        """Pairs; an answer with no left-hand text is a distractor."""
        pairs, distractors, errors = [], [], []
        for part in (p.strip() for p in body.split("=") if p.strip()):
            left, arrow, right = part.partition("->")
            if not arrow:
                errors.append(f"matching answer {restore(part)!r} has no '->'.")
            elif left.strip():
                pairs.append({"left": split_text(left, fmt), "right": restore(right)})
            else:
                distractors.append(restore(right))
        return {"pairs": pairs, "distractors": distractors}, errors

    def from_texts(self, choices: list[str], correct: list[str]) -> dict[str, Any]:
        """Pairs from the key's "left -> right" texts; other choices are distractors."""
        pairs = [dict(zip(("left", "right"), c.split(ARROW, 1), strict=False)) for c in correct]
        rights = {p.get("right") for p in pairs}
        return {"pairs": pairs, "distractors": [c for c in choices if c not in rights]}


MAPPING = MatchingExchange()
