"""The choice types' part of the exchange formats (single choice and multiple response):
Moodle's multichoice (its <single> tells which) and GIFT's `~`/`=` answers.

Loaded on first use by `single_choice/exchange.py` and `multiple_response/exchange.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from ..exchange.common import format_decimal
from ..exchange.gift import escape_text, feedback_split, weight_of
from ..exchange.moodle_xml import FULL, answer_element, fraction_of, read_text
from .exchange_mapping import ExchangeMapping, Read


class ChoiceExchange(ExchangeMapping):
    """Choices with full credit (single) or shares of it (multiple response)."""

    moodle_type = "multichoice"
    moodle_reads = ("multichoice",)
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
