"""The choice types' part of the exchange formats (single choice and multiple response):
Moodle's multichoice (its <single> tells which), GIFT's `~`/`=` answers and Canvas's
multiple_choice_question / multiple_answers_question.

Loaded on first use by `single_choice/exchange.py` and `multiple_response/exchange.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from ..exchange import canvas_qti as canvas
from ..exchange.common import format_decimal
from ..exchange.gift import escape_text, feedback_split, weight_of
from ..exchange.moodle_xml import FULL, answer_element, fraction_of, read_text
from .exchange_mapping import ExchangeMapping, Read


class ChoiceExchange(ExchangeMapping):
    """Choices with full credit (single) or shares of it (multiple response)."""

    moodle_type = "multichoice"
    moodle_reads = ("multichoice",)
    canvas_type: str  # multiple_choice_question or multiple_answers_question
    gift_order = 2
    # Single choice (one right answer, full credit) or multiple response (shares).
    single: bool

    def write_moodle(self, question: Element, data: Mapping[str, Any]) -> None:
        """<single>, shuffled answers numbered abc, each with its fraction and feedback."""
        SubElement(question, "single").text = "true" if self.single else "false"
        SubElement(question, "shuffleanswers").text = "true"
        SubElement(question, "answernumbering").text = "abc"
        for fraction, choice in zip(self._fractions(data), data["choices"], strict=True):
            answer_element(question, fraction, choice["text"], choice.get("feedback") or "")

    def claims_moodle(self, question: Element) -> bool:
        """Single choice when <single> says true (Moodle's default), else multiple response."""
        return is_single(question) == self.single

    def read_moodle(self, question: Element, fmt: str) -> Read:
        """The choices; partial credit on a single-choice answer cannot be kept."""
        choices, errors = [], []
        for answer in question.findall("answer"):
            fraction = fraction_of(answer)
            text = read_text(answer, fmt)
            if self.single and 0 < fraction < FULL:
                errors.append(f"partial credit ({fraction:g}%) on {text!r} cannot be kept.")
            correct = fraction >= FULL if self.single else fraction > 0
            feedback = read_text(answer.find("feedback"), fmt)
            choices.append({"text": text, "correct": correct, "feedback": feedback})
        return {"choices": choices}, errors

    def write_canvas(self, item: Element, data: Mapping[str, Any], ids: Iterator[int]) -> list[str]:
        """Canvas's response_lid (Single or Multiple), each choice's feedback, and the scoring
        condition: the right choice (single), or the right ones and not the others (qti_items.rb
        multiple_choice_resprocessing, multiple_answers_resprocessing)."""
        choices = data["choices"]
        cardinality = "Single" if self.single else "Multiple"
        idents = canvas.write_choices(item, [c["text"] for c in choices], cardinality, ids)
        resprocessing = item.find("resprocessing")
        for ident, choice in zip(idents, choices, strict=True):
            if choice.get("feedback"):
                condition, conditionvar = canvas.respcondition(resprocessing, cont="Yes")
                canvas.varequal(conditionvar, ident)
                canvas.display_feedback(condition, f"{ident}_fb")
        _, conditionvar = canvas.respcondition(resprocessing, score="100")
        if self.single:
            right = next(i for i, c in zip(idents, choices, strict=True) if c.get("correct"))
            canvas.varequal(conditionvar, right)
        else:
            both = SubElement(conditionvar, "and")
            for ident, choice in zip(idents, choices, strict=True):
                parent = both if choice.get("correct") else SubElement(both, "not")
                canvas.varequal(parent, ident)
        for ident, choice in zip(idents, choices, strict=True):
            canvas.add_feedback(item, f"{ident}_fb", choice.get("feedback") or "")
        return idents

    def read_canvas(self, item: Element) -> Read:
        """The choices; a right one is named by a scoring condition (not under a <not>);
        partial credit on a single-choice answer cannot be kept."""
        labels = canvas.choice_labels(item)
        texts = dict(labels)
        right, errors = set(), []
        for conditionvar, score in canvas.scoring_conditions(item):
            for element in canvas.positive(conditionvar):
                ident = (element.text or "").strip()
                if self.single and score < FULL:
                    shown = texts.get(ident, ident)
                    errors.append(f"partial credit ({score:g}%) on {shown!r} cannot be kept.")
                else:
                    right.add(ident)
        choices = [
            {
                "text": text,
                "correct": ident in right,
                "feedback": canvas.feedback_text(item, f"{ident}_fb"),
            }
            for ident, text in labels
        ]
        return {"choices": choices}, errors

    def gift_lines(self, data: Mapping[str, Any]) -> list[str]:
        """`=right` and `~wrong` (single), or `~%share%` each (multiple response)."""
        marks = self._gift_marks(data)
        lines = []
        for mark, choice in zip(marks, data["choices"], strict=True):
            feedback = choice.get("feedback") or ""
            text = escape_text(choice["text"])
            lines.append(mark + text + (f"#{escape_text(feedback)}" if feedback else ""))
        return lines

    def claims_gift(self, body: str) -> bool:
        """Answers marked `~`: single choice when one is marked `=`."""
        return "~" in body and ("=" in body) == self.single

    def read_gift(self, body: str, fmt: str) -> Read:
        """The choices by their marks and weights."""
        parts = [p.strip() for p in body.replace("=", "~=").split("~") if p.strip()]
        choices, errors = [], []
        for part in parts:
            if part.startswith("="):
                weight, part = Decimal(100), part[1:]
            else:
                weight, part = weight_of(part)
                weight = weight or Decimal(0)
            if self.single and 0 < weight < 100:
                errors.append(
                    f"partial credit ({weight}%) on a single-choice answer cannot be kept."
                )
            text, feedback = feedback_split(part, fmt)
            choices.append({"text": text, "correct": weight > 0, "feedback": feedback})
        return {"choices": choices}, errors

    def from_texts(self, choices: list[str], correct: list[str]) -> dict[str, Any]:
        """Each choice, right when the key lists it."""
        return {"choices": [{"text": c, "correct": c in correct} for c in choices]}

    def _fractions(self, data: Mapping[str, Any]) -> list[str]:
        choices = data["choices"]
        if self.single:
            return ["100" if c.get("correct") else "0" for c in choices]
        right = sum(1 for c in choices if c.get("correct"))
        wrong = len(choices) - right
        return [
            format_decimal(100 / right if c.get("correct") else -100 / wrong, 5) for c in choices
        ]

    def _gift_marks(self, data: Mapping[str, Any]) -> list[str]:
        if self.single:
            return ["=" if c.get("correct") else "~" for c in data["choices"]]
        return [f"~%{fraction}%" for fraction in self._fractions(data)]


def is_single(question: Element) -> bool:
    """Moodle's <single>: true unless it says false."""
    return (question.findtext("single") or "true").strip() not in ("false", "0", "")
