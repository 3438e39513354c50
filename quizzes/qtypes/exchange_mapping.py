"""What a question type says about the exchange formats (GIFT, Moodle XML, Canvas QTI, JSON).

Each type's `qtypes/<key>/exchange.py` holds a `MAPPING`, an `ExchangeMapping` subclass: the
formats (`quizzes/exchange/`) keep their grammar and call the mapping for the type's part, so
a new type brings its own mapping and no format module changes. A type a format cannot hold
says so with `gift_refusal` (GIFT) or by leaving `moodle_type` empty (Moodle XML) or
`canvas_type` empty (Canvas QTI).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from collections.abc import Iterator
    from xml.etree.ElementTree import Element

# A reader's result: the type's authoring data and the errors found reading it.
Read = tuple[dict[str, Any], list[str]]


class ExchangeMapping:
    """One type's part of every exchange format; formats call it, never branch on the type."""

    # Moodle XML: the <question type> written, and the types read as this one.
    moodle_type: ClassVar[str]
    moodle_reads: ClassVar[tuple[str, ...]] = ()
    # Moodle's penalty per wrong try (Moodle's defaults: a true/false question loses all).
    moodle_penalty: ClassVar[str] = "0.3333333"
    # GIFT has no type marker: the reader tries the types' `claims_gift` in this order (lower
    # first; Moodle's qformat_gift order of tests).
    gift_order: ClassVar[int]
    # Canvas QTI (classic quizzes): the `question_type` written and read; empty when Canvas
    # has no such type (the question is left out of an export, with a note).
    canvas_type: ClassVar[str] = ""

    def write_moodle(self, question: Element, data: Mapping[str, Any]) -> None:
        """Add the type's answers and settings to a <question> element."""
        raise NotImplementedError

    def claims_moodle(self, question: Element) -> bool:
        """Whether a <question> of one of `moodle_reads` is this type (multichoice is single
        choice or multiple response by its <single>)."""
        return True

    def read_moodle(self, question: Element, fmt: str) -> Read:
        """The authoring data of a <question> this type claims. ValueError for a number that
        is not one."""
        raise NotImplementedError

    def moodle_notes(self, question: Element, fmt: str) -> list[str]:
        """What an import keeps only approximately, for the user to check after it."""
        return []

    def write_canvas(self, item: Element, data: Mapping[str, Any], ids: Iterator[int]) -> list[str]:
        """Add the type's responses to the <item>'s <presentation>, its scoring to its
        <resprocessing> and its answers' <itemfeedback>; the answer idents (from `ids`)."""
        raise NotImplementedError

    def canvas_refusal(self, data: Mapping[str, Any]) -> str | None:
        """Why Canvas cannot hold this question (its type has one), or None when it can."""
        return None

    def canvas_meta(self, data: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Metadata Canvas has no place for, carried in our `kz_` metadata fields."""
        return []

    def read_canvas(self, item: Element) -> Read:
        """The authoring data of a Canvas <item> of `canvas_type`. ValueError for a number
        that is not one."""
        raise NotImplementedError

    def canvas_notes(self, item: Element) -> list[str]:
        """What a Canvas import keeps only approximately, for the user to check after it."""
        return []

    def gift_refusal(self, data: Mapping[str, Any]) -> str | None:
        """Why GIFT cannot hold this question, or None when it can."""
        return None

    def gift_meta(self, data: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Metadata GIFT has no syntax for, carried in our `// kz:` comment."""
        return []

    def gift_lines(self, data: Mapping[str, Any]) -> list[str]:
        """The answer block's lines (inside `{...}`), escaped."""
        raise NotImplementedError

    def claims_gift(self, body: str) -> bool:
        """Whether a GIFT answer block (escapes protected) is written as this type."""
        raise NotImplementedError

    def read_gift(self, body: str, fmt: str) -> Read:
        """The authoring data of an answer block this type claims."""
        raise NotImplementedError

    def from_texts(self, choices: list[str], correct: list[str]) -> dict[str, Any]:
        """Authoring data rebuilt from the key as texts (JSON files written before `data`)."""
        raise NotImplementedError
