"""Numeric in the exchange formats: Moodle's numerical (units shown, not graded), GIFT's
`{#2050:1}` (the unit rides in our metadata comment), Canvas's numerical_question (an exact
answer with its margin; a range is read as its middle ± half its width; the unit rides in our
`kz_unit` metadata field)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, DecimalException
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from ...exchange import canvas_qti as canvas
from ...exchange.gift import number_pair, restore, weight_of
from ...exchange.moodle_xml import FULL, answer_element, full_answers
from ..exchange_mapping import ExchangeMapping, Read
from .grader import format_number, to_decimal

_BOUNDS = ("varequal", "vargte", "vargt", "varlte", "varlt")


class NumericExchange(ExchangeMapping):
    """The answer and its tolerance; the unit when there is one."""

    moodle_type = "numerical"
    moodle_reads = ("numerical",)
    gift_order = 1
    canvas_type = "numerical_question"

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

    def write_canvas(self, item: Element, data: Mapping[str, Any], ids: Iterator[int]) -> list[str]:
        """One exact answer: equal to it, or within its margin (qti_items.rb
        numerical_resprocessing)."""
        canvas.write_fib(item, decimal=True)
        answer, tolerance = to_decimal(data["answer"]), to_decimal(data["tolerance"])
        _, conditionvar = canvas.respcondition(item.find("resprocessing"), score="100")
        either = SubElement(conditionvar, "or")
        canvas.varequal(either, format_number(answer))
        if tolerance:
            within = SubElement(either, "and")
            SubElement(within, "vargte", {"respident": "response1"}).text = format_number(
                answer - tolerance
            )
            SubElement(within, "varlte", {"respident": "response1"}).text = format_number(
                answer + tolerance
            )
        return [str(next(ids))]

    def canvas_meta(self, data: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Canvas has no unit: it rides in our metadata field."""
        return [("unit", data["unit"])] if data.get("unit") else []

    def read_canvas(self, item: Element) -> Read:
        """Exactly one answer that gives full credit: an exact one (and its margin) or a
        range."""
        scoring = canvas.scoring_conditions(item)
        if len(scoring) != 1:
            return {}, ["a numerical question needs exactly one answer (Canvas's 'answers')."]
        conditionvar, score = scoring[0]
        errors = [] if score >= FULL else [f"partial credit ({score:g}%) cannot be kept."]
        exact, low, high = _bounds(conditionvar)
        if exact is not None:
            spread = [
                exact - low if low is not None else Decimal(0),
                high - exact if high is not None else Decimal(0),
            ]
            data = {"answer": format_number(exact), "tolerance": format_number(max(spread))}
        elif low is not None and high is not None and low <= high:
            middle = (low + high) / 2
            data = {"answer": format_number(middle), "tolerance": format_number(high - middle)}
        else:
            return {}, [*errors, "the answer is neither a number nor a range from low to high."]
        return data, errors

    def canvas_notes(self, item: Element) -> list[str]:
        """A range or an uneven margin becomes an answer ± a tolerance."""
        scoring = canvas.scoring_conditions(item)
        exact, low, high = _bounds(scoring[0][0])
        if exact is None:
            return [
                f"the range {format_number(low)} to {format_number(high)} becomes its middle "
                "± half its width."
            ]
        if low is not None and high is not None and exact - low != high - exact:
            return ["an uneven margin becomes the larger one on both sides."]
        return canvas.answer_feedback_notes(item)

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


def _bounds(conditionvar: Element) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The exact answer, the low and the high bound a Canvas condition compares with.

    ValueError for a value that is not a number (or past what an answer may be).
    """
    found: dict[str, Decimal] = {}
    for element in canvas.positive(conditionvar, _BOUNDS):
        text = (element.text or "").strip()
        number = to_decimal(text[:60])
        if number is None:
            raise ValueError(f"{text[:60]!r} is not a number (or is past ±10^15).")
        kind = {"varequal": "exact", "vargte": "low", "vargt": "low"}.get(element.tag, "high")
        found.setdefault(kind, number)
    return found.get("exact"), found.get("low"), found.get("high")


MAPPING = NumericExchange()
