"""GIFT (Moodle's plain-text question format): a reader and a writer.

Follows Moodle's qformat_gift rules: questions are separated by blank lines, `//` lines are
comments, `::name::` titles a question, `{...}` holds the answers and `####` the general feedback;
`~ = # { } :` and the backslash are escaped with a backslash, a line break is written `\\n`.
Our metadata rides in a `// kz: section=...; difficulty=...` comment before the question, which
Moodle ignores. GIFT has no ordering type: ordering questions are left out with a comment.
"""

from __future__ import annotations

import re
from decimal import Decimal, DecimalException

from ..qtypes import registry
from .common import ExchangeItem, ParseResult, WriteResult, too_many_items
from .html_text import MAX_TEXT_CHARS, TextTooLong, html_to_text

# Escaped characters become private-use placeholders while the structure is parsed (as Moodle does).
_ESCAPES = {"\\": "\ue000", ":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004"}
_ESCAPES |= {"}": "\ue005", "~": "\ue006", "n": "\ue007"}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT_TAG = re.compile(r"^\[(html|moodle|plain|markdown)\]")
TRUE_FALSE_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}
META_PREFIX = "// kz:"
# Moodle's question tags in a comment line before the question: // [tag:exam] [tag:week-1]
# (a `]` inside a tag is written `\]`).
MOODLE_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")
ORDERING_REFUSED = (
    "ordering questions written in GIFT ({>...}) cannot be imported; "
    "export them from Moodle as Moodle XML."
)


def escape(text: str) -> str:
    """Text safe to put anywhere in a GIFT question."""
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def escape_text(text: str) -> str:
    """A text part that the reader takes a [format] tag and a %weight% from, made safe.

    GIFT cannot escape a leading `[html]` or `%50%`; a text that starts with one is written
    behind `[moodle]` (plain text), which the reader takes off again, as Moodle's does.
    """
    guard = "[moodle]" if _FORMAT_TAG.match(text) or WEIGHT.match(text) else ""
    return guard + escape(text)


def _protect(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def restore(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text).strip()


def _meta_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace("\n", "\\n")


def _meta_pairs(body: str) -> list[str]:
    """Split `a=1; b=x\\;y` on unescaped semicolons, undoing the escapes."""
    parts, current, i = [], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            current.append("\n" if nxt == "n" else nxt)
            i += 2
            continue
        if ch == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


# Writing -----------------------------------------------------------------------------------


def unsupported_reason(item: ExchangeItem) -> str | None:
    """Why GIFT cannot hold this question, or None when it can (the type's mapping says)."""
    return registry.get(item.qtype).exchange.gift_refusal(item.data)


def write_question(item: ExchangeItem) -> str:
    """One question in GIFT, with its metadata comment line first."""
    mapping = registry.get(item.qtype).exchange
    meta = [*item.metadata_pairs(), *mapping.gift_meta(item.data)]
    lines = [META_PREFIX + " " + "; ".join(f"{k}={_meta_escape(v)}" for k, v in meta)]
    if item.tags:
        lines.append("// " + " ".join(f"[tag:{name}]" for name in item.tags))
    lines.append(f"::{escape(item.name)}::{escape_text(item.stem)}{{")
    lines += ["\t" + line for line in mapping.gift_lines(item.data)]
    if item.explanation:
        lines.append("\t####" + escape_text(item.explanation))
    lines.append("}")
    return "\n".join(lines)


def write_gift(items: list[ExchangeItem]) -> WriteResult:
    """A GIFT file of the items; questions GIFT cannot hold become comments and are listed."""
    blocks = ["// Question bank exported by kzstudy (GIFT format)."]
    skipped = []
    for item in items:
        reason = unsupported_reason(item)
        if reason:
            skipped.append(f"{item.name}: {reason}.")
            blocks.append(f"// Skipped {item.qtype} question {item.name!r}: {reason}.")
        else:
            blocks.append(write_question(item))
    return WriteResult("\n\n".join(blocks) + "\n", len(items) - len(skipped), skipped)


# Reading -----------------------------------------------------------------------------------


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Blank-line separated blocks, each a list of (line number, line)."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _text_format(raw: str, default: str = "moodle") -> str:
    """The [format] a text part names, else the default (Moodle: the question text's)."""
    match = _FORMAT_TAG.match(raw.strip())
    return match.group(1) if match else default


def split_text(raw: str, fmt: str = "moodle") -> str:
    """A text part with its [format] tag (or the question's format) applied: HTML becomes text.

    Raises TextTooLong, before reading it, for a text over MAX_TEXT_CHARS in any format.
    """
    if len(raw) > MAX_TEXT_CHARS:
        raise TextTooLong(len(raw))
    match = _FORMAT_TAG.match(raw.strip())
    body = restore(raw.strip()[match.end() :] if match else raw)
    return html_to_text(body) if _text_format(raw, fmt) == "html" else body


def feedback_split(answer: str, fmt: str) -> tuple[str, str]:
    text, _, feedback = answer.partition("#")
    return split_text(text, fmt), split_text(feedback, fmt)


def weight_of(answer: str) -> tuple[Decimal | None, str]:
    match = WEIGHT.match(answer)
    if not match:
        return None, answer
    return Decimal(match.group(1)), answer[match.end() :]


def number_pair(text: str) -> tuple[Decimal, Decimal]:
    """The answer and its (absolute) tolerance of `2050:1` or `2049..2051`.

    Raises a DecimalException for what is not a finite number: text, NaN, sNaN (which raises
    on any arithmetic) and infinities, and for a range whose bounds overflow when added.
    """
    if ".." in text:
        low, high = (Decimal(x.strip()) for x in text.split("..", 1))
        answer, tolerance = (low + high) / 2, (high - low) / 2
    else:
        answer, _, tolerance = text.partition(":")
        answer, tolerance = Decimal(answer.strip()), Decimal(tolerance.strip() or 0)
    if not (answer.is_finite() and tolerance.is_finite()):
        raise DecimalException(text)
    return answer, abs(tolerance)


def _parse_answers(body: str, fmt: str) -> tuple[str, dict, list[str]]:
    """The type and authoring data of an answer block: GIFT has no type marker, so each type
    says whether the block is written its way, in Moodle's order of tests (`gift_order`)."""
    mappings = sorted(
        ((registry.get(key).exchange, key) for key in registry.all_keys()),
        key=lambda pair: pair[0].gift_order,
    )
    claimed = next(((m, k) for m, k in mappings if m.claims_gift(body)), None)
    if claimed is None:
        return "", {}, ["no question type is written this way."]
    mapping, qtype = claimed
    data, errors = mapping.read_gift(body, fmt)
    return qtype, data, errors


def _read_meta(item: ExchangeItem, meta: list[tuple[int, str]], errors: list[str]) -> None:
    for number, line in meta:
        for pair in _meta_pairs(line[len(META_PREFIX) :]):
            name, equals, value = pair.partition("=")
            error = item.apply_metadata(name.strip(), value) if equals else f"{pair!r}: no '='."
            if error:
                errors.append(f"line {number}: {error}")


def _body(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A block's lines that are not comments (a block of comments only holds no question)."""
    return [(n, line) for n, line in lines if not line.strip().startswith("//")]


def _parse_block(lines: list[tuple[int, str]], result: ParseResult) -> None:
    body = _body(lines)
    if not body:
        return
    where = f"line {body[0][0]}"
    try:
        _read_block(lines, body, where, result)
    except TextTooLong as exc:
        result.errors.append(f"{where}: {exc}")


def _read_block(
    lines: list[tuple[int, str]], body: list[tuple[int, str]], where: str, result: ParseResult
) -> None:
    meta = [(n, line.strip()) for n, line in lines if line.strip().startswith(META_PREFIX)]
    text = _protect("\n".join(line for _, line in body).strip())
    if text.startswith("$CATEGORY:"):
        result.notes.append(f"{where}: category line ignored (questions go to the chosen course).")
        return
    name = ""
    if text.startswith("::") and "::" in text[2:]:
        name, text = text[2:].split("::", 1)
        name, text = restore(name), text.strip()
    start_brace, end_brace = text.find("{"), text.find("}")
    if start_brace < 0 or end_brace < start_brace:
        result.errors.append(f"{where}: no answers in {{...}}; descriptions cannot be imported.")
        return
    answer_text = text[start_brace + 1 : end_brace].strip()
    after = text[end_brace + 1 :]
    # Answers inside the text make a missing-word question: Moodle shows a blank there.
    stem_raw = text[:start_brace] + ("_____" + after if after.strip() else "")
    explanation = ""
    if "####" in answer_text:
        answer_text, explanation = answer_text.rsplit("####", 1)
        answer_text = answer_text.strip()
    if not answer_text:
        result.errors.append(f"{where}: essay questions (empty {{}}) cannot be imported.")
        return
    fmt = _text_format(stem_raw)
    qtype, data, errors = _parse_answers(answer_text, fmt)
    item = ExchangeItem(qtype=qtype, stem=split_text(stem_raw), data=data, name=name, where=where)
    item.explanation = split_text(explanation, fmt)
    _read_meta(item, meta, errors)
    comments = " ".join(line for _, line in lines if line.strip().startswith("//"))
    labels = [label.replace("\\]", "]").strip() for label in MOODLE_TAG.findall(comments)]
    result.notes += [f"{where}: {note}" for note in item.add_foreign_tags(labels)]
    result.errors += [e if e.startswith("line ") else f"{where}: {e}" for e in errors]
    if data:  # a question too broken to have data is reported, not validated again
        result.items.append(item)


def parse_gift(text: str) -> ParseResult:
    """Every question of a GIFT file, and every error with its line."""
    result = ParseResult()
    blocks = _blocks(text)
    limit = too_many_items(sum(1 for lines in blocks if _body(lines)))
    if limit:
        result.errors.append(f"line 1: {limit}")
        return result
    for lines in blocks:
        _parse_block(lines, result)
    if not result.items and not result.errors:
        result.errors.append("line 1: the file holds no GIFT questions.")
    return result
