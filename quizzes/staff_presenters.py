"""What staff see of an attempt: each question as the learner saw it (the version answered, the
order shown, what they picked, the key), every step with its time and mark, and the review.

Learners never reach these: they build on the review presenters with every key shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .models import Attempt, QuestionVersion, Response, ResponseState, ResponseStep, StepKind
from .presenters import ReviewItem, learner_question, review_item
from .qtypes import registry
from .qtypes.choices import letter
from .selectors.attempt_record import GradingHistory

CENT = Decimal("0.01")
# Steps whose data holds the answer as it was then.
ANSWER_STEPS = (StepKind.SAVE, StepKind.CHECK)


def answer_text(response: Response, version: QuestionVersion, answer: Any) -> str:
    """An answer in words as staff read it: a choice as "B. The 2017 amendments" (its letter
    in the order the learner saw), other types as the type summarises them; "" for none."""
    if not answer:
        return ""
    qtype = registry.get(version.qtype)
    if qtype.answers_by_letter:
        picked = qtype.picked_options(answer)
        shown = learner_question(response, version)["choices"]
        return "; ".join(
            f"{letter(n)}. {choice['text']}"
            for n, choice in enumerate(shown)
            if choice["id"] in picked
        )
    try:
        return qtype.summarise_response(version.payload, answer)
    except (AttributeError, KeyError, TypeError):  # an answer of another shape, kept as sent
        return str(answer)


@dataclass(frozen=True)
class StaffStep:
    """One step of a response: what happened, when, by whom, with the mark and answer then."""

    seq: int
    kind: str
    kind_label: str
    at: datetime
    state_label: str
    mark: Decimal | None
    answer: str
    is_flagged: bool
    actor: str
    comment: str


@dataclass
class StaffQuestion:
    """One question of an attempt for staff."""

    response: Response
    version: QuestionVersion
    question: dict[str, Any]
    options: list[dict[str, Any]]
    # The type's table of those options (`QuestionType.staff_template`).
    key_template: str
    answer: str
    state_label: str
    steps: list[StaffStep]
    review: ReviewItem
    is_marked_by_hand: bool = False
    # The page's form for a mark given by hand (set by the view).
    form: Any = None


def _key_flags(question: dict[str, Any], graded: QuestionVersion, answer: dict) -> list[dict]:
    """The options in the order shown, each with its letter, whether the learner picked it and
    whether the key (of the version that made the mark) holds it."""
    return registry.get(graded.qtype).staff_key_rows(question, graded.payload, answer)


def _live(response: Response, steps: list[ResponseStep]) -> tuple[Any, str]:
    """The answer and state as they stand: while an attempt is open, the last saved step's."""
    last = steps[-1] if steps else None
    if last is not None and last.kind in ANSWER_STEPS and "answer" in last.data:
        return last.data.get("answer"), last.state
    return response.answer, response.state


def _step(step: ResponseStep, response: Response, version: QuestionVersion) -> StaffStep:
    fraction = step.fraction
    return StaffStep(
        seq=step.seq,
        kind=step.kind,
        kind_label=str(StepKind(step.kind).label),
        at=step.created_at,
        state_label=str(ResponseState(step.state).label) if step.state else "",
        mark=None if fraction is None else (fraction * response.max_mark).quantize(CENT),
        answer=answer_text(response, version, step.data.get("answer"))
        if step.kind in ANSWER_STEPS
        else "",
        is_flagged=bool(step.data.get("flagged")),
        actor=step.actor.get_username() if step.actor else "",
        comment=step.data.get("comment", ""),
    )


def staff_questions(
    attempt: Attempt,
    responses: list[Response],
    steps: list[ResponseStep],
    history: GradingHistory,
) -> list[StaffQuestion]:
    """Every question of the attempt for staff, with its steps (read beforehand: no query
    here)."""
    by_response: dict[int, list[ResponseStep]] = {}
    for step in sorted(steps, key=lambda s: (s.response_id, s.seq)):
        by_response.setdefault(step.response_id, []).append(step)
    questions = []
    for response in responses:
        own = by_response.get(response.pk, [])
        version = history.answered_version(response)
        answer, state = _live(response, own)
        question = learner_question(response, version)
        questions.append(
            StaffQuestion(
                response=response,
                version=version,
                question=question,
                options=_key_flags(question, response.question_version, answer or {}),
                key_template=registry.get(response.question_version.qtype).staff_template,
                answer=answer_text(response, version, answer),
                state_label=str(ResponseState(state).label),
                steps=[_step(step, response, version) for step in own],
                review=review_item(
                    response, show_correct=True, show_explanation=True, history=history
                ),
                is_marked_by_hand=any(s.kind == StepKind.MANUAL_GRADE for s in own),
            )
        )
    return questions
