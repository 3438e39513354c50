"""What the exchange formats share: the neutral question item, errors, text and upload helpers.

Pure: no ORM, no request. Parsers turn a file into `ExchangeItem`s plus errors located by line or
question; writers turn items into a file. The services resolve sections and concepts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

from django.utils.text import slugify

from ..tagging import normalise_tag, tag_problem

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Every question costs an import a few queries and a version: a file holds at most this many,
# counted before any question is read, so a file of tiny questions cannot keep a worker busy.
MAX_ITEMS = 1000
MAX_KEY_LENGTH = 80
FORMATS = ("gift", "moodle-xml", "json", "canvas-qti")
# A difficulty as written in a file; its range (1 to 3) is the import service's check.
_DIFFICULTY_DIGITS = re.compile(r"[0-9]{1,9}")
EXTENSIONS = {"gift": "gift.txt", "moodle-xml": "xml", "json": "json", "canvas-qti": "zip"}
CONTENT_TYPES = {
    "gift": "text/plain; charset=utf-8",
    "moodle-xml": "application/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "canvas-qti": "application/zip",
}
METADATA_KEYS = ("section", "difficulty", "bloom", "concept", "quote", "unit")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class UploadRejected(ValueError):
    """The uploaded bytes cannot be read as a question file (too large, not UTF-8, an unsafe
    or unreadable zip)."""


@dataclass
class ExchangeItem:
    """One question in a format-neutral shape: the type's authoring data plus our metadata."""

    qtype: str
    stem: str
    data: dict[str, Any]
    name: str = ""
    explanation: str = ""
    source_quote: str = ""
    section: str = ""
    difficulty: int | None = None
    bloom: str = ""
    concepts: list[str] = field(default_factory=list)
    where: str = ""
    # Tag names; GIFT and Moodle XML carry them as Moodle does ([tag:x], <tags><tag>).
    tags: list[str] = field(default_factory=list)

    def add_foreign_tags(self, labels: list[str]) -> list[str]:
        """Take another system's tags (Moodle's are free text): normalised (`Week 3` is
        `week-3`); notes for the ones that cannot be tags here, which are left out."""
        notes = []
        for label in labels:
            name = normalise_tag(label)
            problem = tag_problem(name)
            if problem:
                notes.append(f"tag {label[:60]!r} left out ({problem}).")
            elif name not in self.tags:
                self.tags.append(name)
        return notes

    def metadata_pairs(self) -> list[tuple[str, str]]:
        """Our metadata as (name, value) pairs, in a fixed order, empty values left out."""
        pairs = [("section", self.section)]
        if self.difficulty is not None:
            pairs.append(("difficulty", str(self.difficulty)))
        pairs.append(("bloom", self.bloom))
        pairs += [("concept", slug) for slug in self.concepts]
        pairs.append(("quote", self.source_quote))
        return [(name, value) for name, value in pairs if value]

    def apply_metadata(self, name: str, value: str) -> str | None:
        """Set one metadata value read from a file; an error text when it makes no sense."""
        value = value.strip()
        if name == "section":
            self.section = value
        elif name == "difficulty":
            # ASCII digits, a few: str.isdigit() passes "²", which int() refuses, and "١",
            # which int() reads as 1; thousands of digits are past int()'s limit.
            if not _DIFFICULTY_DIGITS.fullmatch(value):
                return f"difficulty must be 1, 2 or 3, not {value[:60]!r}."
            self.difficulty = int(value)
        elif name == "bloom":
            self.bloom = value
        elif name in ("concept", "concepts"):
            self.concepts += [s.strip() for s in value.split(",") if s.strip()]
        elif name == "quote":
            self.source_quote = value
        elif name == "unit":
            self.data["unit"] = value
        else:
            return f"unknown metadata {name!r}."
        return None


@dataclass
class ParseResult:
    """What a parser found: the items, every error (with its place) and notes for the user."""

    items: list[ExchangeItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class WriteResult:
    """A written file and the questions the format could not hold (with why).

    `text` is the file: text for GIFT, Moodle XML and JSON, bytes (a zip) for Canvas QTI.
    """

    text: str | bytes
    count: int
    skipped: list[str] = field(default_factory=list)


def decode_upload(content: bytes) -> str:
    """The file's text: at most 5 MB of UTF-8, byte-order mark dropped; else UploadRejected."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadRejected(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read). "
            "Save it as UTF-8 and upload it again."
        ) from None
    return text.removeprefix("\ufeff")


def too_many_items(count: int) -> str | None:
    """The error for a file of `count` questions when that is over MAX_ITEMS, else None."""
    if count <= MAX_ITEMS:
        return None
    return (
        f"the file holds {count:,} questions; the limit is {MAX_ITEMS:,} per file. "
        "Split it into smaller files."
    )


def detect_format(filename: str, text: str) -> str:
    """The format named by the file's extension, else guessed from its first characters."""
    name = filename.lower()
    if name.endswith(".xml"):
        return "moodle-xml"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".gift", ".txt")):
        return "gift"
    start = text.lstrip()
    if start.startswith("<"):
        return "moodle-xml"
    if start.startswith(("[", "{")) and not start.startswith(("[html]", "[moodle]", "[plain]")):
        return "json"
    return "gift"


def key_from_name(name: str, stem: str) -> str:
    """A stable bank key for a question: its name when that is a slug, else derived from it.

    Without a usable name the key comes from the stem, so importing the same file again finds
    the same questions.
    """
    name = name.strip()
    if _SLUG.match(name) and len(name) <= MAX_KEY_LENGTH:
        return name
    derived = slugify(name)[:MAX_KEY_LENGTH].strip("-") or slugify(stem)[:60].strip("-")
    return derived or "q-" + hashlib.sha256(stem.encode()).hexdigest()[:12]


def format_decimal(value: float, places: int = 7) -> str:
    """A number without trailing zeros or exponent (100/3 -> "33.3333333")."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def text_to_html(text: str) -> str:
    """Plain text as an HTML fragment: escaped, with line breaks kept."""
    return "<br>\n".join(escape(line, quote=False) for line in text.split("\n"))
