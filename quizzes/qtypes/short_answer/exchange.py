"""Short answer in the exchange formats: Moodle's shortanswer, GIFT's `{=a =b}`, Canvas's
short_answer_question ("fill in the blank")."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from ...exchange import canvas_qti as canvas
from ...exchange.gift import escape_text, feedback_split, weight_of
from ...exchange.moodle_xml import FULL, answer_element, full_answers
from ..exchange_mapping import ExchangeMapping, Read


class ShortAnswerExchange(ExchangeMapping):
    """Accepted answers, each with full credit."""

    moodle_type = "shortanswer"
    moodle_reads = ("shortanswer",)
    gift_order = 5
    canvas_type = "short_answer_question"

    def write_moodle(self, question: Element, data: Mapping[str, Any]) -> None:
        """Case-insensitive, one full-credit answer per accepted text."""
        SubElement(question, "usecase").text = "0"
        for accepted in data["accepted"]:
            answer_element(question, "100", str(accepted), fmt="moodle_auto_format")

    def read_moodle(self, question: Element, fmt: str) -> Read:
        """The full-credit answers (partial credit and the catch-all cannot be kept)."""
        full, errors = full_answers(question, "short answer")
        return {"accepted": [a.findtext("text", "").strip() for a in full]}, errors

    def write_canvas(self, item: Element, data: Mapping[str, Any], ids: Iterator[int]) -> list[str]:
        """One blank; a condition matching any accepted text gives full credit (qti_items.rb
        short_answer_resprocessing; Canvas compares without regard to case)."""
        canvas.write_fib(item)
        _, conditionvar = canvas.respcondition(item.find("resprocessing"), score="100")
        idents = []
        for accepted in data["accepted"]:
            canvas.varequal(conditionvar, str(accepted))
            idents.append(str(next(ids)))
        return idents

    def read_canvas(self, item: Element) -> Read:
        """The texts of the full-credit conditions; partial credit cannot be kept."""
        accepted, errors = [], []
        for conditionvar, score in canvas.scoring_conditions(item):
            for element in canvas.positive(conditionvar):
                text = (element.text or "").strip()
                if score < FULL:
                    errors.append(f"partial credit ({score:g}%) on answer {text!r} cannot be kept.")
                elif text not in accepted:
                    accepted.append(text)
        return {"accepted": accepted}, errors

    def canvas_notes(self, item: Element) -> list[str]:
        """Feedback on single answers has no place here."""
        return canvas.answer_feedback_notes(item)

    def gift_refusal(self, data: Mapping[str, Any]) -> str | None:
        """GIFT reads an answer with `->` as a matching question."""
        if any("->" in str(a) for a in data["accepted"]):
            return "an accepted answer contains '->', which GIFT reads as a matching question"
        return None

    def gift_lines(self, data: Mapping[str, Any]) -> list[str]:
        """`=answer` per accepted text."""
        return ["=" + escape_text(str(answer)) for answer in data["accepted"]]

    def claims_gift(self, body: str) -> bool:
        """Whatever no other type claims (GIFT's last test)."""
        return True

    def read_gift(self, body: str, fmt: str) -> Read:
        """The full-credit answers; partial credit cannot be kept."""
        accepted, errors = [], []
        for part in (p.strip() for p in body.split("=") if p.strip()):
            weight, part = weight_of(part)
            text, _ = feedback_split(part, fmt)
            if weight is None or weight == 100:
                accepted.append(text)
            elif weight > 0:
                errors.append(f"partial credit ({weight}%) on answer {text!r} cannot be kept.")
        return {"accepted": accepted}, errors

    def from_texts(self, choices: list[str], correct: list[str]) -> dict[str, Any]:
        """The key's texts are the accepted answers."""
        return {"accepted": list(correct)}


MAPPING = ShortAnswerExchange()
