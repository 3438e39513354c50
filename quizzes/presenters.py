"""What a learner is shown of a question: with no key before submission, and the review after.

Pages and the API both build on these, so the same rule holds everywhere: the learner view is
built from an allow-list of fields and never from the payload as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import clock
from .models import (
    Attempt,
    AttemptState,
    QuestionVersion,
    QuizMode,
    Response,
    ResponseState,
)
from .practice_wording import verdict
from .qtypes import registry
from .selectors.attempt_record import (
    NO_HISTORY,
    GradingHistory,
    MarkNote,
    VersionMove,
    grading_history_once,
)
from .selectors.exam_protection import NO_PROTECTION, ExamGuard, attempt_guard
from .selectors.review_policy import ReviewPolicy


def learner_question(response: Response, version: QuestionVersion | None = None) -> dict[str, Any]:
    """The question as a learner answers it: id, type, stem and options in the order shown.

    `version`: the version to show instead of the response's own (the one the learner
    answered, when a regrade has since moved the response to a newer one).
    """
    version = version or response.question_version
    payload = version.payload
    shown = {
        "id": response.question_id,
        "position": response.position,
        "type": version.qtype,
        "stem": version.stem,
    }
    order = {key: n for n, key in enumerate(response.choice_order)}

    def ordered(items: list[dict]) -> list[dict[str, str]]:
        listed = sorted(items, key=lambda item: order.get(item["key"], len(order)))
        return [{"id": item["key"], "text": item["text"]} for item in listed]

    shown.update(registry.get(version.qtype).learner_fields(payload, ordered))
    return shown


@dataclass
class QuestionView:
    """One question of an attempt page: the learner view, the saved answer and its state."""

    response: Response
    question: dict[str, Any]
    answer: dict[str, Any] | None
    feedback: dict[str, Any] | None = None
    # The graded quiz that keeps this practice question's feedback back, if one does.
    withheld_for: str = ""

    @property
    def is_answered(self) -> bool:
        """Answered in full (a partial answer is kept, but not counted as answered)."""
        return self.response.state not in (ResponseState.UNANSWERED, ResponseState.INCOMPLETE)

    @property
    def is_incomplete(self) -> bool:
        """Something saved, but not all the question asks (a matching with pairs left open)."""
        return self.response.state == ResponseState.INCOMPLETE

    @property
    def state_label(self) -> str:
        """The question's state for the navigation: "not yet answered", "partially answered",
        "answered", or the verdict of a practice check."""
        if self.feedback:
            return str(self.feedback["state_label"])
        if self.is_answered:
            # Never a verdict the page does not show (feedback withheld for a graded quiz).
            return str(ResponseState.ANSWERED.label)
        return str(ResponseState(self.response.state).label)

    @property
    def is_locked(self) -> bool:
        """A practice question answered right takes no further tries."""
        return bool(self.feedback) and self.feedback["state"] == ResponseState.CORRECT

    @property
    def widget(self) -> dict[str, Any]:
        """The inputs of the question with the saved answer filled in (no logic in templates)."""
        return answer_widget(self.question, self.answer or {})


def answer_widget(question: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """Options with `checked`/`selected`/`position` set from the learner's saved answer."""
    return registry.get(question["type"]).answer_widget(question, answer)


def practice_feedback(
    response: Response, guard: ExamGuard = NO_PROTECTION, *, wrong_tries: int | None = None
) -> dict[str, Any] | None:
    """After a practice check: right or wrong, the picked choices' feedback, and, once right,
    the explanation. The key itself is not shown until the attempt is submitted, and nothing
    at all for a question a graded quiz protects (`guard`): a verdict per try gives keys away.

    `verdict` says it with the mark earned and the wrong tries it took (`wrong_tries`, this
    check included when wrong; by default the count the response was read with)."""
    graded = {ResponseState.CORRECT, ResponseState.PARTIAL, ResponseState.WRONG}
    if response.state not in graded or guard.withholds(response.question_id):
        return None
    version = response.question_version
    grade = registry.get(version.qtype).grade(version.payload, response.answer)
    is_correct = response.state == ResponseState.CORRECT
    if wrong_tries is None:
        wrong_tries = getattr(response, "wrong_tries", 0)
    summary, tone = verdict(response.state, response.score, response.max_mark, wrong_tries)
    return {
        "state": response.state,
        "verdict": summary,
        "tone": tone,
        "wrong_tries": wrong_tries,
        "state_label": ResponseState(response.state).label,
        "messages": list(grade.feedback),
        "explanation": version.explanation if is_correct else "",
        "source_quote": version.source_quote if is_correct else "",
        "score": response.score,
        "max_mark": response.max_mark,
    }


def attempt_question_views(attempt: Attempt, responses: list[Response]) -> list[QuestionView]:
    """Question views for an open attempt page."""
    practice = attempt.quiz.mode == QuizMode.PRACTICE
    guard = attempt_guard(attempt, clock.now())
    return [
        QuestionView(
            response=r,
            question=learner_question(r),
            answer=r.answer,
            feedback=practice_feedback(r, guard) if practice else None,
            withheld_for=_withheld_for(guard, r),
        )
        for r in responses
    ]


def _withheld_for(guard: ExamGuard, response: Response) -> str:
    """The title of the graded quiz keeping this question's key back; "" when none is."""
    if not guard.withholds(response.question_id):
        return ""
    return guard.exam_titles.get(response.question_id, "") or "a graded quiz"


WITHHELD_LABEL = _("result hidden for now")
# The review state the API gives a question whose result is hidden.
WITHHELD_STATE = "withheld"


@dataclass
class ReviewItem:
    """One question in the review of a submitted attempt, as the quiz's policy allows."""

    response: Response
    question: dict[str, Any]
    learner_answer: str
    state_label: str
    correct_answer: list[str] = field(default_factory=list)
    explanation: str = ""
    source_quote: str = ""
    feedback: list[str] = field(default_factory=list)
    # Set when a graded quiz protects the question: only the learner's own answer is shown.
    withheld_for: str = ""
    # Regrades that moved the question to a newer version since the learner answered it, and
    # the marks changed (or comments given) after submission.
    moves: list[VersionMove] = field(default_factory=list)
    notes: list[MarkNote] = field(default_factory=list)

    @property
    def corrections(self) -> list[dict[str, Any]]:
        """Per regrade that changed the question: when, what changed, and its wording now."""
        return [
            {
                "at": move.at,
                "changed": version_changes(move.from_version, move.to_version),
                "stem": move.to_version.stem,
            }
            for move in self.moves
        ]


def version_changes(before: QuestionVersion, after: QuestionVersion) -> list[str]:
    """What a new version changed, in words: "the wording", "the options", "the right
    answer", "the explanation" (empty when nothing a learner sees changed)."""
    qtype = registry.get(after.qtype)
    changed = []
    if before.stem != after.stem:
        changed.append(str(_("the wording")))
    if sorted(qtype.option_texts(before.payload)) != sorted(qtype.option_texts(after.payload)):
        changed.append(str(_("the options")))
    if qtype.correct_texts(before.payload) != qtype.correct_texts(after.payload):
        changed.append(str(_("the right answer")))
    if before.explanation != after.explanation:
        changed.append(str(_("the explanation")))
    return changed


def review_history(attempt: Attempt) -> GradingHistory:
    """What changed a submitted attempt's marks since submission (nothing for an open one)."""
    if attempt.state != AttemptState.SUBMITTED:
        return NO_HISTORY
    return grading_history_once(attempt)


def review_items(
    attempt: Attempt, responses: list[Response], policy: ReviewPolicy | None = None
) -> list[ReviewItem]:
    """The review of a submitted attempt as `policy` allows (call only when it is available;
    by default, what the quiz's review shows once open)."""
    policy = policy or ReviewPolicy.once_open(attempt.quiz)
    guard = attempt_guard(attempt, clock.now())
    history = review_history(attempt)
    return [
        review_item(
            response,
            show_correct=policy.show_answers,
            show_explanation=policy.show_explanations,
            withheld_for=_withheld_for(guard, response),
            history=history,
        )
        for response in responses
    ]


def review_item(
    response: Response,
    *,
    show_correct: bool,
    show_explanation: bool,
    withheld_for: str = "",
    history: GradingHistory = NO_HISTORY,
) -> ReviewItem:
    """One question as the review shows it, with what the review options allow.

    The question reads as the learner answered it, even when a regrade has since moved it to a
    newer version: the mark, the right answer and the feedback are the newer version's (they
    made the mark), and `corrections` says what changed and when.

    A question a graded quiz protects (`withheld_for` names that quiz) shows the learner's own
    answer and nothing else: no right answer, explanation, feedback, state or mark, each of
    which tells, attempt after attempt, which option is right.
    """
    version = response.question_version
    answered = history.answered_version(response)
    qtype = registry.get(version.qtype)
    learner_answer = qtype.summarise_response(answered.payload, response.answer or {})
    question = learner_question(response, answered)
    if withheld_for:
        return ReviewItem(
            response=response,
            question=question,
            learner_answer=learner_answer,
            state_label=str(WITHHELD_LABEL),
            withheld_for=withheld_for,
        )
    grade = qtype.grade(version.payload, response.answer)
    return ReviewItem(
        response=response,
        question=question,
        learner_answer=learner_answer,
        state_label=ResponseState(response.state).label,
        correct_answer=qtype.correct_texts(version.payload) if show_correct else [],
        explanation=version.explanation if show_explanation else "",
        source_quote=version.source_quote if show_explanation else "",
        feedback=list(grade.feedback) if show_correct else [],
        moves=history.moves.get(response.pk, []),
        notes=history.notes.get(response.pk, []),
    )


def attempt_document(attempt: Attempt, responses: list[Response], now) -> dict[str, Any]:
    """An attempt as the API returns it: no key before submission; after it, the result and
    the review the quiz's policy allows."""
    quiz = attempt.quiz
    practice = quiz.mode == QuizMode.PRACTICE
    document: dict[str, Any] = {
        "id": attempt.pk,
        "quiz": quiz.pk,
        "course": attempt.course_id,
        "number": attempt.number,
        "mode": quiz.mode,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
    }
    submitted = attempt.state == AttemptState.SUBMITTED
    policy = ReviewPolicy.for_attempt(attempt, now)
    reviewing = policy.available
    guard = attempt_guard(attempt, now) if practice else NO_PROTECTION
    # A review shows each question as the learner answered it (a regrade may have moved it).
    history = review_history(attempt) if reviewing else NO_HISTORY
    questions = []
    for response in responses:
        shown = {
            **learner_question(response, history.answered_version(response)),
            "answer": response.answer,
            # Whether the answer given is complete, from the answer alone: never a verdict.
            "answer_state": ResponseState.of_saved_answer(
                response.question_version, response.answer
            ).value,
            "flagged": response.is_flagged,
        }
        if practice and not submitted:
            feedback = practice_feedback(response, guard)
            if feedback:
                shown["feedback"] = {k: feedback[k] for k in ("state", "messages", "explanation")}
        if reviewing:
            item = review_item(
                response,
                show_correct=policy.show_answers,
                show_explanation=policy.show_explanations,
                withheld_for=_withheld_for(guard, response),
                history=history,
            )
            shown["review"] = {
                "state": WITHHELD_STATE if item.withheld_for else response.state,
                "score": None if item.withheld_for else response.score,
                "max_mark": response.max_mark,
                "correct": item.correct_answer,
                "explanation": item.explanation,
                "source_quote": item.source_quote,
                "feedback": item.feedback,
            }
        questions.append(shown)
    document["questions"] = questions
    if submitted:
        document.update(attempt_result(attempt))
        document["review_available"] = reviewing
        document["grade_notices"] = [
            {
                "at": notice.at,
                "kind": notice.kind,
                "old_score": notice.old_score,
                "new_score": notice.new_score,
                "comment": notice.comment,
                "question": notice.position,
            }
            for notice in review_history(attempt).notices
        ]
    return document


def attempt_result(attempt: Attempt) -> dict[str, Any]:
    """The result of a submitted attempt: score, maximum, percent and whether it passed."""
    percent = attempt.percent
    return {
        "id": attempt.pk,
        "state": attempt.state,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": percent,
        "passed": attempt.quiz.passes(percent),
    }
