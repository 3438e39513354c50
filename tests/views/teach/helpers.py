"""Helpers of the staff page tests: what the question editor posts."""

from __future__ import annotations

from quizzes.models import Section


def formset(
    prefix: str, rows: list[dict], extra: int = 0, correct: int | None = None
) -> dict[str, str]:
    """A formset's POST data; `correct` marks a single-choice row (its radio group)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{k}": v for k, v in row.items()})
    if correct is not None:
        data[f"{prefix}-correct"] = str(correct)
    return data


def question_fields(
    section: Section, stem: str = "In which year was the law on domestic violence adopted?"
) -> dict[str, str]:
    return {
        "section": str(section.pk),
        "difficulty": "2",
        "bloom_level": "remember",
        "status": "published",
        "stem": stem,
        "explanation": "The article dates the law to 2009.",
        "source_quote": "adopted a law on the prevention of domestic violence in 2009",
    }


THREE_CHOICES = [
    {"text": "2009", "feedback": ""},
    {"text": "2017", "feedback": "That is when it became an administrative offense."},
    {"text": "2020", "feedback": ""},
]
