"""What a learner must not see of a question before submitting, and a check that a page or
a JSON body shows none of it: for the no-key-leak tests of the pages and the API."""

from __future__ import annotations

from quizzes.models import Question

TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
}


def one_question_per_type() -> list[Question]:
    picked = {}
    for question in Question.objects.published().select_related("current_version").order_by("key"):
        picked.setdefault(question.qtype, question)
    assert set(picked) == TYPES
    return list(picked.values())


def secrets_of(question: Question) -> list[str]:
    """Texts that would give the key away: explanations, feedback, accepted answers, values."""
    version = question.current_version
    payload = version.payload
    found = [version.explanation]
    found += [c["feedback"] for c in payload.get("choices", []) if c.get("feedback")]
    found += payload.get("accepted", [])
    if version.qtype == "true_false" and payload.get("feedback"):
        found.append(payload["feedback"])
    return [s for s in found if s and len(s) > 3]


def visible_texts(question: Question) -> str:
    """What the learner is meant to see of a question: its stem and option texts."""
    version = question.current_version
    payload = version.payload
    parts = [version.stem]
    parts += [c["text"] for c in payload.get("choices", [])]
    parts += [
        x["text"]
        for x in payload.get("lefts", []) + payload.get("rights", []) + payload.get("items", [])
    ]
    return " ".join(parts).casefold()


def assert_no_key(text: str, questions: list[Question]) -> None:
    lowered = text.casefold()
    shown = " ".join(visible_texts(q) for q in questions)
    for question in questions:
        for secret in secrets_of(question):
            if secret.casefold() in shown:
                continue  # e.g. an accepted answer that is also a word of another stem
            assert secret.casefold() not in lowered, f"{question.key} leaks {secret!r}"
    for marker in (
        '"correct"',
        "data-correct",
        '"match"',
        '"accepted"',
        '"tolerance"',
        "is_correct",
    ):
        assert marker not in text
