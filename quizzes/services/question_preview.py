"""An instructor's preview of one question: shown as a learner gets it, answered and graded,
and never recorded.

Nothing here writes to the database. The version may be a saved one or the editor's unsaved
draft; either way the answer goes through the question type's one door (`read_answer`) and its
pure grader, the same two calls an attempt makes, so the preview grades exactly as a quiz would.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..errors import InvalidAnswer
from ..models import Course, Question, QuestionVersion, Response, ResponseState, Section
from ..qtypes import InvalidResponse, registry
from .authoring import version_draft

# A preview question is worth one mark, as a fixed slot is by default.
PREVIEW_MARK = Decimal(1)
CENT = Decimal("0.01")
# The id an unsaved question answers under (its fields are named `q0-…`).
DRAFT_QUESTION_ID = 0


def question_draft(
    *,
    qtype: str,
    section: Section,
    stem: str,
    data: Mapping[str, Any],
    explanation: str = "",
    source_quote: str = "",
    course: Course | None = None,
    question_id: int | None = None,
    previous_payload: Mapping[str, Any] | None = None,
) -> QuestionVersion:
    """The version `question_create`/`question_revise` would save, built in memory only.

    QuestionInvalid when the draft is not valid, as saving would say. `previous_payload` lends
    its keys to unchanged texts (as a revision does), so an answer given to one preview still
    fits the next one when only other parts changed.
    """
    if qtype not in registry.all_keys():
        raise InvalidAnswer(f"{qtype!r} is not a question type.")
    draft = version_draft(
        qtype, stem=stem, data=data, explanation=explanation, source_quote=source_quote
    )
    question = Question(
        pk=question_id if question_id is not None else DRAFT_QUESTION_ID,
        qtype=qtype,
        section=section,
        course=course,
    )
    return QuestionVersion(
        question=question,
        number=0,
        qtype=qtype,
        stem=draft.stem,
        payload=registry.get(qtype).build_payload(draft.data, previous_payload),
        explanation=draft.explanation,
        source_quote=draft.source_quote,
        content_hash=draft.digest,
    )


def _shuffle_seed(version: QuestionVersion, keys: Iterable[str]) -> str:
    """The same order for the same version each time it is shown (a saved version by its id,
    a draft by its keys), so the choices do not jump about between preview and check."""
    return f"{version.pk}" if version.pk else ",".join(sorted(keys))


def preview_response(*, question: Question, version: QuestionVersion) -> Response:
    """An in-memory response (never saved) that shows `version` through the learner's
    templates and presenters, with its choices in a stable shuffled order."""
    order = version.type.shuffle_keys(version.payload)
    random.Random(_shuffle_seed(version, order)).shuffle(order)
    return Response(
        position=1,
        question=question,
        question_version=version,
        max_mark=PREVIEW_MARK,
        choice_order=order,
    )


def question_try(*, response: Response, raw: Any) -> Response:
    """Grade an answer to a preview the way a practice check does, recording nothing.

    Fills the response's answer, state, fraction and score; InvalidAnswer when the answer does
    not fit the question or gives nothing to grade.
    """
    version = response.question_version
    question_type = registry.get(version.qtype)
    try:
        answer = question_type.read_answer(version.payload, raw)
    except InvalidResponse as exc:
        raise InvalidAnswer(str(exc)) from None
    if answer is None:
        raise InvalidAnswer("Answer the question before checking it.")
    grade = question_type.grade(version.payload, answer)
    response.answer = answer
    response.state = ResponseState(grade.state.value)
    response.fraction = grade.fraction
    response.score = (response.max_mark * grade.fraction).quantize(CENT)
    return response
