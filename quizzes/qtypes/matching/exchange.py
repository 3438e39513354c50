"""Matching in the exchange formats: Moodle's matching (subquestions, an empty one a
distractor), GIFT's `{=left -> right}`, Canvas's matching_question (a right-hand text no pair
uses is a distractor)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from ...exchange import canvas_qti as canvas
from ...exchange.common import format_decimal, text_to_html
from ...exchange.gift import escape, escape_text, restore, split_text
from ...exchange.moodle_xml import CONTROL, read_text, text_element
from ..exchange_mapping import ExchangeMapping, Read
from .grader import ARROW


class MatchingExchange(ExchangeMapping):
    """Pairs, and right-hand texts that match nothing (distractors)."""

    moodle_type = "matching"
    moodle_reads = ("matching", "match")
    gift_order = 3
    canvas_type = "matching_question"

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

    def write_canvas(self, item: Element, data: Mapping[str, Any], ids: Iterator[int]) -> list[str]:
        """A response_lid per left-hand text offering every right-hand text (distractors
        included), and a share of the credit per right match (qti_items.rb
        matching_response_lid, matching_resprocessing)."""
        rights: dict[str, str] = {}
        for text in [p["right"] for p in data["pairs"]] + list(data.get("distractors") or []):
            rights.setdefault(text, "")
        for text in rights:
            rights[text] = str(next(ids))
        presentation, resprocessing = item.find("presentation"), item.find("resprocessing")
        share = format_decimal(100 / len(data["pairs"]), 2)
        idents = []
        for pair in data["pairs"]:
            ident = str(next(ids))
            idents.append(ident)
            lid = SubElement(presentation, "response_lid", {"ident": f"response_{ident}"})
            canvas.mattext(lid, pair["left"], "text/plain")
            render = SubElement(lid, "render_choice")
            for text, match in rights.items():
                canvas.mattext(SubElement(render, "response_label", {"ident": match}), text, None)
        for ident, pair in zip(idents, data["pairs"], strict=True):
            _, conditionvar = canvas.respcondition(
                resprocessing, score=share, action="Add", cont=""
            )
            canvas.varequal(conditionvar, rights[pair["right"]], f"response_{ident}")
        return idents

    def read_canvas(self, item: Element) -> Read:
        """Pairs from each left-hand text's credited match; other right-hand texts are
        distractors."""
        lids = item.findall("presentation/response_lid")
        options: dict[str, str] = {}
        for lid in lids:
            for label in lid.findall("render_choice/response_label"):
                options.setdefault(label.get("ident") or "", canvas.read_mattext(label))
        credited: dict[str, str] = {}
        for conditionvar, _score in canvas.scoring_conditions(item):
            for element in canvas.positive(conditionvar):
                respident = element.get("respident") or ""
                credited.setdefault(respident, (element.text or "").strip())
        pairs, errors = [], []
        for lid in lids:
            left = canvas.read_mattext(lid.find("material"))
            match = credited.get(lid.get("ident") or "")
            if match is None or match not in options:
                errors.append(f"{left[:60]!r} has no right match.")
            else:
                pairs.append({"left": left, "right": options[match]})
        used = {p["right"] for p in pairs}
        distractors = []
        for text in options.values():
            if text not in used and text not in distractors:
                distractors.append(text)
        return {"pairs": pairs, "distractors": distractors}, errors

    def canvas_notes(self, item: Element) -> list[str]:
        """Feedback on single pairs has no place here."""
        return canvas.answer_feedback_notes(item)

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
