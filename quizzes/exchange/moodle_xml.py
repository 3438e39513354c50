"""Moodle XML (https://docs.moodle.org/en/Moodle_XML_format): a reader and a writer.

The reader parses with defusedxml and refuses any DTD or entity declaration (billion laughs,
external entities); it reads the elements Moodle's own importer reads. The writer builds the
tree with ElementTree (writing never parses input). Texts go out as escaped HTML
(`format="html"`); our metadata rides in `<tags>` as `kz:<name>=<value>`.
"""

from __future__ import annotations

import math
import re
from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .common import ExchangeItem, ParseResult, WriteResult, format_decimal, too_many_items
from .common import text_to_html as to_html
from .html_text import MAX_TEXT_CHARS, TextTooLong, html_to_text

MOODLE_TYPES = {
    "single_choice": "multichoice",
    "multiple_response": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "ordering": "ordering",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FULL = 99.9999  # Moodle writes full credit as 100; allow for its 7-digit fractions


# Writing -----------------------------------------------------------------------------------


def _text(parent: Element, tag: str, text: str, fmt: str | None = None, **attrs: str) -> Element:
    element = SubElement(parent, tag, attrs | ({"format": fmt} if fmt else {}))
    SubElement(element, "text").text = _CONTROL.sub("", text)
    return element


def _answer(
    parent: Element, fraction: str, text: str, feedback: str | None = "", fmt: str = "html"
) -> Element:
    answer = SubElement(parent, "answer", {"fraction": fraction, "format": fmt})
    SubElement(answer, "text").text = _CONTROL.sub("", to_html(text) if fmt == "html" else text)
    if feedback is not None:  # ordering items have no feedback, as in the plugin's export
        _text(answer, "feedback", to_html(feedback), "html")
    return answer


def _write_choices(question: Element, item: ExchangeItem) -> None:
    choices = item.data["choices"]
    single = item.qtype == "single_choice"
    right = sum(1 for c in choices if c.get("correct"))
    wrong = len(choices) - right
    SubElement(question, "single").text = "true" if single else "false"
    SubElement(question, "shuffleanswers").text = "true"
    SubElement(question, "answernumbering").text = "abc"
    for choice in choices:
        if single:
            fraction = "100" if choice.get("correct") else "0"
        else:
            share = 100 / right if choice.get("correct") else -100 / wrong
            fraction = format_decimal(share, 5)
        _answer(question, fraction, choice["text"], choice.get("feedback") or "")


def _write_true_false(question: Element, item: ExchangeItem) -> None:
    answer, feedback = item.data["answer"], item.data.get("feedback") or ""
    _answer(
        question, "100" if answer else "0", "true", "" if answer else feedback, "moodle_auto_format"
    )
    _answer(
        question,
        "0" if answer else "100",
        "false",
        feedback if answer else "",
        "moodle_auto_format",
    )


def _write_short_answer(question: Element, item: ExchangeItem) -> None:
    SubElement(question, "usecase").text = "0"
    for accepted in item.data["accepted"]:
        _answer(question, "100", str(accepted), fmt="moodle_auto_format")


def _write_numeric(question: Element, item: ExchangeItem) -> None:
    answer = _answer(question, "100", str(item.data["answer"]), fmt="moodle_auto_format")
    SubElement(answer, "tolerance").text = str(item.data["tolerance"])
    if item.data.get("unit"):
        unit = SubElement(SubElement(question, "units"), "unit")
        SubElement(unit, "multiplier").text = "1"
        SubElement(unit, "unit_name").text = item.data["unit"]
    # Units are shown, never graded: learners type the number alone, as here.
    for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1"), ("showunits", "3")):
        SubElement(question, tag).text = value
    SubElement(question, "unitsleft").text = "0"


def _write_matching(question: Element, item: ExchangeItem) -> None:
    SubElement(question, "shuffleanswers").text = "true"
    rows = [(p["left"], p["right"]) for p in item.data["pairs"]]
    rows += [("", d) for d in item.data.get("distractors") or []]  # Moodle: empty text = extra
    for left, right in rows:
        sub = _text(question, "subquestion", to_html(left), "html")
        SubElement(SubElement(sub, "answer"), "text").text = _CONTROL.sub("", right)


def _write_ordering(question: Element, item: ExchangeItem) -> None:
    # Moodle's ordering plugin; its RELATIVE_NEXT_EXCLUDE_LAST is how ordering grades here.
    items = item.data["items"]
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
        _answer(question, str(position), text, feedback=None)


_WRITERS = {
    "single_choice": _write_choices,
    "multiple_response": _write_choices,
    "true_false": _write_true_false,
    "short_answer": _write_short_answer,
    "numeric": _write_numeric,
    "matching": _write_matching,
    "ordering": _write_ordering,
}


def question_element(item: ExchangeItem) -> Element:
    """One question as a Moodle XML <question> element."""
    question = Element("question", {"type": MOODLE_TYPES[item.qtype]})
    _text(question, "name", item.name)
    _text(question, "questiontext", to_html(item.stem), "html")
    _text(question, "generalfeedback", to_html(item.explanation), "html")
    SubElement(question, "defaultgrade").text = "1"
    SubElement(question, "penalty").text = "1" if item.qtype == "true_false" else "0.3333333"
    SubElement(question, "hidden").text = "0"
    _WRITERS[item.qtype](question, item)
    tags = SubElement(question, "tags")
    for name in item.tags:  # Moodle's own question tags
        _text(tags, "tag", name)
    for name, value in item.metadata_pairs():
        _text(tags, "tag", _CONTROL.sub("", f"kz:{name}={value}"))
    return question


def write_moodle_xml(items: list[ExchangeItem]) -> WriteResult:
    """A Moodle XML file of the items (every type has a Moodle counterpart)."""
    quiz = Element("quiz")
    for item in items:
        quiz.append(question_element(item))
    indent(quiz, space="  ")
    body = tostring(quiz, encoding="unicode", short_empty_elements=False)
    return WriteResult('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", len(items))


# Reading -----------------------------------------------------------------------------------


def _read_text(element: Element | None, default_format: str = "html") -> str:
    """The plain text of a <... format=""><text>...</text></...> element.

    Raises TextTooLong, before reading it, for a text over MAX_TEXT_CHARS in any format.
    """
    if element is None:
        return ""
    raw = (element.findtext("text") or "").strip()
    if len(raw) > MAX_TEXT_CHARS:
        raise TextTooLong(len(raw))
    fmt = element.get("format", default_format)
    if fmt == "moodle_auto_format":
        return html_to_text(raw.replace("\n", "<br>"))
    return html_to_text(raw) if fmt == "html" else raw


def _fraction(answer: Element) -> float:
    try:
        fraction = float(answer.get("fraction", "0"))
    except ValueError:
        fraction = math.nan
    if not math.isfinite(fraction):
        raise ValueError(f"fraction {answer.get('fraction')!r} is not a number.")
    return fraction


def _read_choices(question: Element, fmt: str) -> tuple[str, dict, list[str]]:
    single = (question.findtext("single") or "true").strip() not in ("false", "0", "")
    choices, errors = [], []
    for answer in question.findall("answer"):
        fraction = _fraction(answer)
        text = _read_text(answer, fmt)
        if single and 0 < fraction < FULL:
            errors.append(f"partial credit ({fraction:g}%) on {text!r} cannot be kept.")
        correct = fraction >= FULL if single else fraction > 0
        feedback = _read_text(answer.find("feedback"), fmt)
        choices.append({"text": text, "correct": correct, "feedback": feedback})
    return ("single_choice" if single else "multiple_response"), {"choices": choices}, errors


def _read_true_false(question: Element, fmt: str) -> tuple[str, dict, list[str]]:
    answers = question.findall("answer")
    feedback, answer = {}, None
    for position, element in enumerate(answers):
        word = (element.findtext("text") or "").strip().lower()
        if word not in ("true", "false"):  # old files: true first, then false (as Moodle reads)
            word = "true" if position == 0 else "false"
        feedback[word] = _read_text(element.find("feedback"), fmt)
        is_right = _fraction(element) >= FULL
        answer = is_right if word == "true" else not is_right
    if answer is None:
        return "true_false", {}, ["a true/false question needs its two answers."]
    wrong = "false" if answer else "true"
    return "true_false", {"answer": answer, "feedback": feedback.get(wrong, "")}, []


def _full_answers(question: Element, what: str) -> tuple[list[Element], list[str]]:
    full, errors = [], []
    for answer in question.findall("answer"):
        fraction, text = _fraction(answer), (answer.findtext("text") or "").strip()
        if fraction >= FULL and text == "*":
            errors.append(f"the catch-all answer '*' cannot be kept as a {what}.")
        elif fraction >= FULL:
            full.append(answer)
        elif fraction > 0:
            errors.append(f"partial credit ({fraction:g}%) on {text!r} cannot be kept.")
    return full, errors


def _read_short_answer(question: Element, fmt: str) -> tuple[str, dict, list[str]]:
    full, errors = _full_answers(question, "short answer")
    return "short_answer", {"accepted": [a.findtext("text", "").strip() for a in full]}, errors


def _read_numeric(question: Element, fmt: str) -> tuple[str, dict, list[str]]:
    full, errors = _full_answers(question, "number")
    if len(full) != 1:
        return "numeric", {}, [*errors, "a numerical question needs exactly one 100% answer."]
    units = question.findall("units/unit")
    base = [u for u in units if (u.findtext("multiplier") or "1").strip() in ("1", "1.0")]
    unit = (base or units)[0].findtext("unit_name", "").strip() if units else ""
    data = {
        "answer": full[0].findtext("text", "").strip(),
        "tolerance": (full[0].findtext("tolerance") or "0").strip(),
        "unit": unit,
    }
    return "numeric", data, errors


def _read_matching(question: Element, fmt: str) -> tuple[str, dict, list[str]]:
    pairs, distractors = [], []
    for sub in question.findall("subquestion"):
        left = _read_text(sub, fmt)
        right = (sub.findtext("answer/text") or "").strip()
        if left:
            pairs.append({"left": left, "right": right})
        elif right:
            distractors.append(right)
    return "matching", {"pairs": pairs, "distractors": distractors}, []


def _read_ordering(question: Element, fmt: str) -> tuple[str, dict, list[str]]:
    # Moodle's plugin takes the answers in document order as the right order.
    return "ordering", {"items": [_read_text(a, fmt) for a in question.findall("answer")]}, []


def _approximations(question: Element, qtype: str, fmt: str) -> list[str]:
    """What the import keeps only approximately, for the user to check after it."""
    if qtype == "multiple_response":
        weights = sorted({round(f, 4) for f in map(_fraction, question.findall("answer")) if f > 0})
        if len(weights) > 1:
            shown = ", ".join(f"{w:g}%" for w in weights)
            return [f"the right choices' unequal weights ({shown}) become equal shares."]
    if qtype == "true_false":
        for answer in question.findall("answer"):
            if _fraction(answer) >= FULL and _read_text(answer.find("feedback"), fmt):
                return ["feedback on the right answer is not kept (only the wrong one's is)."]
    return []


_READERS = {
    "multichoice": _read_choices,
    "truefalse": _read_true_false,
    "shortanswer": _read_short_answer,
    "numerical": _read_numeric,
    "matching": _read_matching,
    "match": _read_matching,
    "ordering": _read_ordering,
}


def _read_question(question: Element, where: str, result: ParseResult) -> None:
    """Read one <question> into the result: an item, or the errors saying why it is none."""
    try:
        _read_question_parts(question, where, result)
    except TextTooLong as exc:
        result.errors.append(f"{where}: {exc}")


def _read_question_parts(question: Element, where: str, result: ParseResult) -> None:
    reader = _READERS.get(question.get("type", ""))
    if reader is None:
        supported = ", ".join(sorted(set(_READERS) - {"match"}))
        result.errors.append(
            f"{where}: type {question.get('type')!r} cannot be imported (supported: {supported})."
        )
        return
    questiontext = question.find("questiontext")
    fmt = questiontext.get("format", "html") if questiontext is not None else "html"
    try:
        qtype, data, errors = reader(question, fmt)
    except ValueError as exc:
        qtype, data, errors = "single_choice", {}, [str(exc)]
    name = (question.findtext("name/text") or "").strip()
    item = ExchangeItem(qtype=qtype, stem=_read_text(questiontext), data=data, name=name)
    item.where = where
    item.explanation = _read_text(question.find("generalfeedback"), fmt)
    plain = []
    for tag in question.findall("tags/tag"):
        label = (tag.findtext("text") or "").strip()
        if label.startswith("kz:"):
            meta, _, value = label[3:].partition("=")
            error = item.apply_metadata(meta.strip(), value)
            errors += [error] if error else []
        elif label:
            plain.append(label)
    result.notes += [f"{where}: {note}" for note in item.add_foreign_tags(plain)]
    result.errors += [f"{where}: {e}" for e in errors]
    if not errors:
        result.notes += [f"{where}: {n}" for n in _approximations(question, qtype, fmt)]
    if data:  # a question too broken to have data is reported, not validated again
        result.items.append(item)


def _load(text: str) -> tuple[Element | None, str | None]:
    """The parsed <quiz> root, or an error saying why the file cannot be read safely."""
    try:
        root = fromstring(text, forbid_dtd=True)
    except DefusedXmlException:
        return None, (
            "the XML declares a DTD or entities, which are refused for safety "
            "(no entity expansion, no external files). Remove the <!DOCTYPE ...> part."
        )
    except ParseError as exc:
        line, column = exc.position
        return None, f"line {line}, column {column + 1}: the XML is not well formed ({exc})."
    if root.tag != "quiz":
        return None, f"the root element is <{root.tag}>, not Moodle's <quiz>."
    return root, None


def parse_moodle_xml(text: str) -> ParseResult:
    """Every question of a Moodle XML file, and every error with its question number and name."""
    result = ParseResult()
    root, error = _load(text)
    if root is None:
        result.errors.append(f"Moodle XML: {error}")
        return result
    questions = root.findall("question")
    limit = too_many_items(len(questions))
    if limit:
        result.errors.append(f"Moodle XML: {limit}")
        return result
    for number, question in enumerate(questions, start=1):
        name = (question.findtext("name/text") or "").strip()
        shown = name if len(name) <= 80 else name[:77] + "..."
        where = f"question {number}" + (f" ({shown!r})" if name else "")
        if question.get("type") == "category":
            result.notes.append(f"{where}: category ignored (questions go to the chosen course).")
            continue
        _read_question(question, where, result)
    if not result.items and not result.errors:
        result.errors.append("Moodle XML: the file holds no questions.")
    return result
