"""Numeric in the exchange formats: Moodle's numerical (units shown, not graded), GIFT's
`{#2050:1}` (the unit rides in our metadata comment)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import DecimalException
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from ...exchange.gift import number_pair, restore, weight_of
from ...exchange.moodle_xml import answer_element, full_answers
from ..exchange_mapping import ExchangeMapping, Read


class NumericExchange(ExchangeMapping):
    """The answer and its tolerance; the unit when there is one."""

    moodle_type = "numerical"
    moodle_reads = ("numerical",)
    gift_order = 1

    def write_moodle(self, question: Element, data: Mapping[str, Any]) -> None:
        """One full-credit answer with its tolerance, and the unit as Moodle's base unit."""
        answer = answer_element(question, "100", str(data["answer"]), fmt="moodle_auto_format")
        SubElement(answer, "tolerance").text = str(data["tolerance"])
        if data.get("unit"):
            unit = SubElement(SubElement(question, "units"), "unit")
            SubElement(unit, "multiplier").text = "1"
            SubElement(unit, "unit_name").text = data["unit"]
        # Units are shown, never graded: learners type the number alone, as here.
        for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1"), ("showunits", "3")):
            SubElement(question, tag).text = value
        SubElement(question, "unitsleft").text = "0"

    def read_moodle(self, question: Element, fmt: str) -> Read:
        """Exactly one full-credit answer; the base unit (multiplier 1) if any."""
        full, errors = full_answers(question, "number")
        if len(full) != 1:
            return {}, [*errors, "a numerical question needs exactly one 100% answer."]
        units = question.findall("units/unit")
        base = [u for u in units if (u.findtext("multiplier") or "1").strip() in ("1", "1.0")]
        unit = (base or units)[0].findtext("unit_name", "").strip() if units else ""
        data = {
            "answer": full[0].findtext("text", "").strip(),
            "tolerance": (full[0].findtext("tolerance") or "0").strip(),
            "unit": unit,
        }
        return data, errors

    def gift_meta(self, data: Mapping[str, Any]) -> list[tuple[str, str]]:
        """GIFT has no unit: it rides in our metadata comment."""
        return [("unit", data["unit"])] if data.get("unit") else []

    def gift_lines(self, data: Mapping[str, Any]) -> list[str]:
        """`#answer:tolerance`."""
        return [f"#{data['answer']}:{data['tolerance']}"]

    def claims_gift(self, body: str) -> bool:
        """An answer block starting with `#`."""
        return body.startswith("#")

    def read_gift(self, body: str, fmt: str) -> Read:
        """Exactly one full-credit number (`2050:1` or `2049..2051`)."""
        body = body[1:].split("~", 1)[0]  # a trailing ~#... is feedback for wrong answers
        full, errors = [], []
        for part in (p.strip() for p in body.split("=") if p.strip()):
            weight, part = weight_of(part)
            number = restore(part.partition("#")[0])
            if weight is None or weight == 100:
                full.append(number)
            elif weight > 0:
                errors.append(f"partial credit ({weight}%) on answer {number!r} cannot be kept.")
        if len(full) != 1:
            return {}, ["a numeric question needs exactly one fully right answer."]
        try:
            answer, tolerance = number_pair(full[0])
        except DecimalException:
            return {}, [f"{full[0]!r} is not a number (write 2050 or 2050:1)."]
        return {"answer": str(answer), "tolerance": str(tolerance)}, errors

    def from_texts(self, choices: list[str], correct: list[str]) -> dict[str, Any]:
        """The key's number, with no tolerance."""
        return {"answer": correct[0] if correct else None, "tolerance": 0}


MAPPING = NumericExchange()
