"""Marks given by hand to one question or a whole attempt after submission (Moodle's manual
grading); regrading lives in `regrade` and is importable from here.

Nothing here rewrites the past: a mark given by hand and a comment each add a step to the
response (or an AttemptGradeOverride row to the attempt), and every changed score makes the
learner's quiz grade again in the same transaction (`quiz_grades`, whose signal the LTI
outbox listens to).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Sum

from ..errors import AttemptNotFound, DomainError, NotAllowed
from ..models import (
    Attempt,
    AttemptGradeOverride,
    AttemptState,
    GradeReason,
    Response,
    ResponseState,
    ResponseStep,
    StepKind,
)
from ..permissions import teaches
from .quiz_grades import refresh_quiz_grade
from .regrade import (
    CENT,
    AttemptChange,
    ResponseChange,
    grade_overrides,
    next_seqs,
    quiz_regrade,
    regrade_plan,
)

__all__ = [
    "AttemptChange",
    "OverrideNotAllowed",
    "OverrideRefused",
    "ResponseChange",
    "attempt_override_grade",
    "quiz_regrade",
    "regrade_plan",
    "response_override_mark",
]

FRACTION = Decimal("0.00001")
COMMENT_MAX_LENGTH = 2000


class OverrideRefused(DomainError):
    """A mark or grade given by hand was refused; `code` says why (the attempt is still open,
    the mark is out of range, nothing was given), and the status follows from it."""

    code = "override_refused"
    STATUS_BY_CODE = {"attempt_open": 409, "unknown_question": 404}

    @property
    def status(self) -> int:  # type: ignore[override]
        return self.STATUS_BY_CODE.get(self.code, 400)


class OverrideNotAllowed(NotAllowed):
    """The user does not teach the attempt's course (403 through every door)."""

    code = "override_not_allowed"


def _locked_submitted_attempt(attempt_id: int, actor: AbstractBaseUser) -> Attempt:
    """The attempt, its row locked, once the actor is known to teach its course."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz", "course")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise AttemptNotFound()
    if not teaches(actor, attempt.course):
        raise OverrideNotAllowed("Only the course's instructors may grade its attempts.")
    if attempt.state != AttemptState.SUBMITTED:
        raise OverrideRefused(
            "The attempt is still open: grade it once it is submitted.", code="attempt_open"
        )
    return attempt


def _clean_amount(value: Decimal | str | None, top: Decimal, what: str) -> Decimal | None:
    """A mark or score as typed: None stays; else a number of cents from 0 to `top`."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise OverrideRefused(f"The {what} must be a number.", code="invalid_mark") from None
    if not amount.is_finite() or not Decimal(0) <= amount <= top:
        raise OverrideRefused(
            f"The {what} must be between 0 and {top.normalize():f}.", code="invalid_mark"
        )
    if amount != amount.quantize(CENT):
        raise OverrideRefused(
            f"The {what} must be a number with at most two decimals.", code="invalid_mark"
        )
    # + 0 turns a typed "-0" into 0.
    return amount.quantize(CENT) + 0


def _clean_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise OverrideRefused(
            f"Keep the comment within {COMMENT_MAX_LENGTH} characters.", code="comment_too_long"
        )
    if "\x00" in comment:
        raise OverrideRefused("The comment contains a NUL character.", code="invalid_comment")
    return comment


def _settle_total(attempt: Attempt) -> None:
    """Total the attempt again (the grade given by hand in force, else the sum of its marks,
    never above the maximum) and, when it changed, the learner's quiz grade."""
    override = grade_overrides([attempt.pk]).get(attempt.pk)
    if override is not None:
        total = override.score
    else:
        summed = attempt.responses.aggregate(total=Sum("score"))["total"] or Decimal(0)
        total = min(summed, attempt.max_score)
    if total == attempt.score:
        return
    attempt.score = total
    attempt.save(update_fields=["score"])
    refresh_quiz_grade(attempt=attempt, reason=GradeReason.OVERRIDE)


def _state_for(fraction: Decimal) -> ResponseState:
    if fraction == 1:
        return ResponseState.CORRECT
    return ResponseState.WRONG if fraction == 0 else ResponseState.PARTIAL


def response_override_mark(
    *,
    attempt_id: int,
    question_id: int,
    actor: AbstractBaseUser,
    mark: Decimal | str | None,
    comment: str = "",
) -> Response:
    """Give one question of a submitted attempt a mark by hand (a MANUAL_GRADE step), or
    only comment on it (a COMMENT step, when `mark` is None); the attempt is totalled again
    and a changed grade is queued for the platforms.

    Only the course's instructors and site admins may (OverrideNotAllowed). A mark stands
    through later regrades until it is given again by hand.
    """
    comment = _clean_comment(comment)
    with transaction.atomic():
        attempt = _locked_submitted_attempt(attempt_id, actor)
        response = attempt.responses.filter(question_id=question_id).first()
        if response is None:
            raise OverrideRefused(
                "That question is not part of this attempt.", code="unknown_question"
            )
        amount = _clean_amount(mark, response.max_mark, "mark")
        if amount is not None and not response.max_mark:
            # A question asked unmarked (practice asking an exam's question) has no mark to
            # give: a fraction of nothing.
            raise OverrideRefused(
                "This question carries no mark in this attempt; you can comment on it.",
                code="unmarked_question",
            )
        if amount is None and not comment:
            raise OverrideRefused("Give a mark, a comment, or both.", code="nothing_given")
        step = ResponseStep(
            response=response,
            seq=next_seqs([response])[response.pk],
            kind=StepKind.COMMENT,
            actor=actor,
            data={"comment": comment},
            state=response.state,
            fraction=response.fraction,
        )
        if amount is not None:
            step.data |= {"mark": str(amount), "old_mark": str(response.score)}
            step.kind = StepKind.MANUAL_GRADE
            step.fraction = (amount / response.max_mark).quantize(FRACTION)
            step.state = _state_for(step.fraction)
            response.fraction, response.score, response.state = step.fraction, amount, step.state
            response.save(update_fields=["fraction", "score", "state", "updated_at"])
        step.save()
        _settle_total(attempt)
    return response


def attempt_override_grade(
    *,
    attempt_id: int,
    actor: AbstractBaseUser,
    score: Decimal | str | None,
    comment: str = "",
) -> Attempt:
    """Give a submitted attempt its grade by hand, in place of the sum of its marks, with a
    comment; `score` None withdraws the grade given by hand, so the marks count again. The
    changed grade is queued for the platforms. Only the course's instructors and site admins
    may (OverrideNotAllowed)."""
    comment = _clean_comment(comment)
    with transaction.atomic():
        attempt = _locked_submitted_attempt(attempt_id, actor)
        amount = _clean_amount(score, attempt.max_score, "score")
        if amount is None and attempt.pk not in grade_overrides([attempt.pk]):
            raise OverrideRefused(
                "Give a score: this attempt's grade is the sum of its marks already.",
                code="nothing_given",
            )
        AttemptGradeOverride.objects.create(
            attempt=attempt,
            score=amount,
            previous_score=attempt.score,
            comment=comment,
            actor=actor,
        )
        _settle_total(attempt)
    return attempt
