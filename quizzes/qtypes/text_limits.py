"""How long a question's texts may be: one rule for every door.

The editor's fields, the API, imports and content packs all refuse the same lengths, so a
question stored through any of them can be opened in the editor and saved again as it is.
Lengths count the text as stored: trimmed, as every door trims it.
"""

from __future__ import annotations

from typing import Any

STEM_MAX = 4000
EXPLANATION_MAX = 4000
SOURCE_QUOTE_MAX = 2000
# A choice, its feedback, an accepted answer, an ordering item, a pair's side, a distractor,
# the true/false feedback.
ANSWER_TEXT_MAX = 1000
UNIT_MAX = 40


def too_long(where: str, value: Any, limit: int = ANSWER_TEXT_MAX) -> list[str]:
    """The message for a text longer than `limit` once trimmed; nothing for any other value
    (its kind is another check's business). `where` names the field as the type's messages do."""
    if not isinstance(value, str):
        return []
    length = len(value.strip())
    if length <= limit:
        return []
    return [f"{where} must be at most {limit:,} characters (it has {length:,})."]


def question_text_errors(*, stem: str, explanation: str, source_quote: str) -> list[str]:
    """What is too long among the texts every question has."""
    return [
        *too_long("stem:", stem, STEM_MAX),
        *too_long("explanation:", explanation, EXPLANATION_MAX),
        *too_long("source quote:", source_quote, SOURCE_QUOTE_MAX),
    ]
