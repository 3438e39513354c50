"""True/false in the exchange formats: Moodle's truefalse, GIFT's `{TRUE}`/`{F}`, Canvas's
true_false_question."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from xml.etree.ElementTree import Element

from ...exchange import canvas_qti as canvas
from ...exchange.gift import TRUE_FALSE_WORDS, escape_text, split_text
from ...exchange.moodle_xml import FULL, answer_element, fraction_of, read_text
from ..exchange_mapping import ExchangeMapping, Read

AUTO = "moodle_auto_format"


class TrueFalseExchange(ExchangeMapping):
    """The answer, and the feedback a wrong answer gets."""

    moodle_type = "truefalse"
    moodle_reads = ("truefalse",)
    moodle_penalty = "1"
    gift_order = 4
    canvas_type = "true_false_question"

    def write_moodle(self, question: Element, data: Mapping[str, Any]) -> None:
        """Two answers, "true" then "false"; the wrong one carries the feedback."""
        answer, feedback = data["answer"], data.get("feedback") or ""
        answer_element(question, "100" if answer else "0", "true", "" if answer else feedback, AUTO)
        answer_element(
            question, "0" if answer else "100", "false", feedback if answer else "", AUTO
        )

    def read_moodle(self, question: Element, fmt: str) -> Read:
        """Which of the two answers is right, and the wrong one's feedback."""
        feedback, answer = {}, None
        for position, element in enumerate(question.findall("answer")):
            word = (element.findtext("text") or "").strip().lower()
            if word not in ("true", "false"):  # old files: true first, then false (as Moodle)
                word = "true" if position == 0 else "false"
            feedback[word] = read_text(element.find("feedback"), fmt)
            is_right = fraction_of(element) >= FULL
            answer = is_right if word == "true" else not is_right
        if answer is None:
            return {}, ["a true/false question needs its two answers."]
        wrong = "false" if answer else "true"
        return {"answer": answer, "feedback": feedback.get(wrong, "")}, []

    def moodle_notes(self, question: Element, fmt: str) -> list[str]:
        """Feedback on the right answer has no place here."""
        for answer in question.findall("answer"):
            if fraction_of(answer) >= FULL and read_text(answer.find("feedback"), fmt):
                return ["feedback on the right answer is not kept (only the wrong one's is)."]
        return []

    def write_canvas(self, item: Element, data: Mapping[str, Any], ids: Iterator[int]) -> list[str]:
        """Choices "True" and "False" as Canvas writes them; the wrong one has the feedback."""
        answer, feedback = data["answer"], data.get("feedback") or ""
        idents = canvas.write_choices(item, ["True", "False"], "Single", ids)
        right, wrong = (idents[0], idents[1]) if answer else (idents[1], idents[0])
        resprocessing = item.find("resprocessing")
        if feedback:
            condition, conditionvar = canvas.respcondition(resprocessing, cont="Yes")
            canvas.varequal(conditionvar, wrong)
            canvas.display_feedback(condition, f"{wrong}_fb")
        _, conditionvar = canvas.respcondition(resprocessing, score="100")
        canvas.varequal(conditionvar, right)
        canvas.add_feedback(item, f"{wrong}_fb", feedback)
        return idents

    def read_canvas(self, item: Element) -> Read:
        """Which choice is right ("True"/"False" by their text, else true first), and the
        wrong one's feedback."""
        found, error = _canvas_answer(item)
        if found is None:
            return {}, [error]
        answer, _, wrong = found
        return {"answer": answer, "feedback": canvas.feedback_text(item, f"{wrong}_fb")}, []

    def canvas_notes(self, item: Element) -> list[str]:
        """Feedback on the right answer has no place here."""
        found, _ = _canvas_answer(item)
        if found and canvas.feedback_text(item, f"{found[1]}_fb"):
            return ["feedback on the right answer is not kept (only the wrong one's is)."]
        return []

    def gift_lines(self, data: Mapping[str, Any]) -> list[str]:
        """`TRUE` or `FALSE`, with the wrong answer's feedback after `#`."""
        feedback = data.get("feedback") or ""
        word = "TRUE" if data["answer"] else "FALSE"
        return [word + (f"#{escape_text(feedback)}" if feedback else "")]

    def claims_gift(self, body: str) -> bool:
        """`T`, `TRUE`, `F` or `FALSE`, perhaps with feedback."""
        return body.partition("#")[0].strip() in TRUE_FALSE_WORDS

    def read_gift(self, body: str, fmt: str) -> Read:
        """The answer; the first feedback is the wrong answer's (Moodle's reading)."""
        head, _, rest = body.partition("#")
        wrong_feedback = split_text(rest.split("#", 1)[0], fmt) if rest else ""
        return {"answer": TRUE_FALSE_WORDS[head.strip()], "feedback": wrong_feedback}, []

    def from_texts(self, choices: list[str], correct: list[str]) -> dict[str, Any]:
        """True when the key is "True"."""
        return {"answer": correct == ["True"]}


def _canvas_answer(item: Element) -> tuple[tuple[bool, str, str] | None, str]:
    """(the answer, the right choice's ident, the wrong one's) of a Canvas true/false item, or
    None and why."""
    labels = canvas.choice_labels(item)
    if len(labels) != 2:
        return None, "a true/false question needs its two answers."
    words = [text.strip().lower() for _, text in labels]
    if sorted(words) != ["false", "true"]:  # texts in another language: true first, as Moodle
        words = ["true", "false"]
    right = {
        (element.text or "").strip()
        for conditionvar, score in canvas.scoring_conditions(item)
        if score >= FULL
        for element in canvas.positive(conditionvar)
    }
    chosen = [
        (ident, word) for (ident, _), word in zip(labels, words, strict=True) if ident in right
    ]
    if len(chosen) != 1:
        return None, "a true/false question needs exactly one right answer."
    (right_ident, word), wrong = chosen[0], next(i for i, _ in labels if i != chosen[0][0])
    return (word == "true", right_ident, wrong), ""


MAPPING = TrueFalseExchange()
