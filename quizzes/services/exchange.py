"""Question-bank exchange formats (JSON now; GIFT and Moodle XML with the authoring issue)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..models import Question


def question_to_json_item(question: Question) -> dict[str, Any]:
    """One published question in the JSON bank format (docs/content-pack.md)."""
    version = question.current_version
    qtype = version.type
    return {
        "id": question.pk,
        "key": question.key,
        "version": version.number,
        "type": version.qtype,
        "stem": version.stem,
        "choices": qtype.option_texts(version.payload),
        "correct": qtype.correct_texts(version.payload),
        "section": question.section.heading,
        "section_slug": question.section.slug,
        "concepts": sorted(c.slug for c in question.concepts.all()),
        "difficulty": question.difficulty,
        "bloom": question.bloom_level,
        "explanation": version.explanation,
        "source_quote": version.source_quote,
    }


def bank_to_json_items(questions: Iterable[Question]) -> list[dict[str, Any]]:
    """The JSON export of a bank: a list of items."""
    return [question_to_json_item(q) for q in questions]
