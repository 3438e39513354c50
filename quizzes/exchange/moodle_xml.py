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

from ..qtypes import registry
from ..qtypes.exchange_mapping import ExchangeMapping
from .common import ExchangeItem, ParseResult, WriteResult, too_many_items
from .common import text_to_html as to_html
from .html_text import MAX_TEXT_CHARS, TextTooLong, html_to_text

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FULL = 99.9999  # Moodle writes full credit as 100; allow for its 7-digit fractions


# Writing -----------------------------------------------------------------------------------


def text_element(
    parent: Element, tag: str, text: str, fmt: str | None = None, **attrs: str
) -> Element:
    element = SubElement(parent, tag, attrs | ({"format": fmt} if fmt else {}))
    SubElement(element, "text").text = CONTROL.sub("", text)
    return element


def answer_element(
    parent: Element, fraction: str, text: str, feedback: str | None = "", fmt: str = "html"
) -> Element:
    answer = SubElement(parent, "answer", {"fraction": fraction, "format": fmt})
    SubElement(answer, "text").text = CONTROL.sub("", to_html(text) if fmt == "html" else text)
    if feedback is not None:  # ordering items have no feedback, as in the plugin's export
        text_element(answer, "feedback", to_html(feedback), "html")
    return answer


def question_element(item: ExchangeItem) -> Element:
    """One question as a Moodle XML <question> element."""
    mapping = registry.get(item.qtype).exchange
    question = Element("question", {"type": mapping.moodle_type})
    text_element(question, "name", item.name)
    text_element(question, "questiontext", to_html(item.stem), "html")
    text_element(question, "generalfeedback", to_html(item.explanation), "html")
    SubElement(question, "defaultgrade").text = "1"
    SubElement(question, "penalty").text = mapping.moodle_penalty
    SubElement(question, "hidden").text = "0"
    mapping.write_moodle(question, item.data)
    tags = SubElement(question, "tags")
    for name in item.tags:  # Moodle's own question tags
        text_element(tags, "tag", name)
    for name, value in item.metadata_pairs():
        text_element(tags, "tag", CONTROL.sub("", f"kz:{name}={value}"))
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


def read_text(element: Element | None, default_format: str = "html") -> str:
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


def fraction_of(answer: Element) -> float:
    try:
        fraction = float(answer.get("fraction", "0"))
    except ValueError:
        fraction = math.nan
    if not math.isfinite(fraction):
        raise ValueError(f"fraction {answer.get('fraction')!r} is not a number.")
    return fraction


def full_answers(question: Element, what: str) -> tuple[list[Element], list[str]]:
    full, errors = [], []
    for answer in question.findall("answer"):
        fraction, text = fraction_of(answer), (answer.findtext("text") or "").strip()
        if fraction >= FULL and text == "*":
            errors.append(f"the catch-all answer '*' cannot be kept as a {what}.")
        elif fraction >= FULL:
            full.append(answer)
        elif fraction > 0:
            errors.append(f"partial credit ({fraction:g}%) on {text!r} cannot be kept.")
    return full, errors


def _reader(moodle_type: str, question: Element) -> tuple[str, ExchangeMapping] | None:
    """The type that reads this <question> (its key and mapping), None when no type does."""
    for key in registry.all_keys():
        mapping = registry.get(key).exchange
        if moodle_type in mapping.moodle_reads and mapping.claims_moodle(question):
            return key, mapping
    return None


def _supported() -> str:
    return ", ".join(
        sorted({registry.get(key).exchange.moodle_type for key in registry.all_keys()})
    )


def _read_question(question: Element, where: str, result: ParseResult) -> None:
    """Read one <question> into the result: an item, or the errors saying why it is none."""
    try:
        _read_question_parts(question, where, result)
    except TextTooLong as exc:
        result.errors.append(f"{where}: {exc}")


def _read_question_parts(question: Element, where: str, result: ParseResult) -> None:
    reader = _reader(question.get("type", ""), question)
    if reader is None:
        result.errors.append(
            f"{where}: type {question.get('type')!r} cannot be imported "
            f"(supported: {_supported()})."
        )
        return
    qtype, mapping = reader
    questiontext = question.find("questiontext")
    fmt = questiontext.get("format", "html") if questiontext is not None else "html"
    try:
        data, errors = mapping.read_moodle(question, fmt)
    except ValueError as exc:
        data, errors = {}, [str(exc)]
    name = (question.findtext("name/text") or "").strip()
    item = ExchangeItem(qtype=qtype, stem=read_text(questiontext), data=data, name=name)
    item.where = where
    item.explanation = read_text(question.find("generalfeedback"), fmt)
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
        result.notes += [f"{where}: {n}" for n in mapping.moodle_notes(question, fmt)]
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
