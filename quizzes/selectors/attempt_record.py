"""Reads for what happened to an attempt: every step of every response, what changed its
marks after submission (regrades, marks given by hand, comments), and the version of each
question the learner answered, which a regrade may since have replaced.

A regrade moves a response to the question's newest version (its mark comes from that
version's key); the version the learner read and answered stays in the REGRADE step's
`from_version`, so the review shows the learner's wording and says what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from ..models import (
    Attempt,
    AttemptGradeOverride,
    Course,
    QuestionVersion,
    Regrade,
    Response,
    ResponseStep,
    StepKind,
)

CENT = Decimal("0.01")
# The steps that change a submitted attempt's marks or comment on them.
AFTER_SUBMISSION = (StepKind.REGRADE, StepKind.MANUAL_GRADE, StepKind.COMMENT)


def _mark(fraction: Decimal | str | None, max_mark: Decimal) -> Decimal | None:
    """A fraction (as stored in a step, possibly the text "None") as a mark to the cent."""
    if fraction in (None, "None", ""):
        return None
    return (Decimal(fraction) * max_mark).quantize(CENT)


def _amount(value: str | None) -> Decimal | None:
    return None if value in (None, "None", "") else Decimal(value)


@dataclass(frozen=True)
class VersionMove:
    """A regrade that moved a response to another version of its question."""

    at: datetime
    from_version: QuestionVersion
    to_version: QuestionVersion


@dataclass(frozen=True)
class MarkNote:
    """A change to one question's mark after submission, or a comment on it."""

    at: datetime
    kind: str
    position: int
    old_mark: Decimal | None
    new_mark: Decimal | None
    max_mark: Decimal
    comment: str
    actor: AbstractBaseUser | None

    @property
    def mark_changed(self) -> bool:
        return self.kind != StepKind.COMMENT and self.old_mark != self.new_mark


@dataclass(frozen=True)
class GradeNotice:
    """A change to the attempt's grade after submission: a regrade, a grade given (or
    withdrawn) by hand, or one question's mark given by hand."""

    at: datetime
    # "regrade", "override" or "withdrawn" for the attempt; "question" for one question's mark.
    kind: str
    old_score: Decimal | None
    new_score: Decimal | None
    comment: str = ""
    actor: AbstractBaseUser | None = None
    position: int | None = None


@dataclass
class GradingHistory:
    """What happened to a submitted attempt's marks, per response id and for the attempt."""

    # Response id → the version the learner answered, where a regrade moved the response.
    answered: dict[int, QuestionVersion] = field(default_factory=dict)
    moves: dict[int, list[VersionMove]] = field(default_factory=dict)
    notes: dict[int, list[MarkNote]] = field(default_factory=dict)
    notices: list[GradeNotice] = field(default_factory=list)
    # The grade given by hand in force (its score replaces the sum of the marks), if any.
    override: AttemptGradeOverride | None = None

    def answered_version(self, response: Response) -> QuestionVersion:
        """The version of the question the learner read and answered."""
        return self.answered.get(response.pk, response.question_version)


NO_HISTORY = GradingHistory()


def _after_submission_steps(attempt: Attempt) -> list[ResponseStep]:
    return list(
        ResponseStep.objects.filter(response__attempt_id=attempt.pk, kind__in=AFTER_SUBMISSION)
        .select_related("actor", "response")
        .order_by("created_at", "pk")
    )


def grading_history(attempt: Attempt, steps: list[ResponseStep] | None = None) -> GradingHistory:
    """The attempt's grading history: two queries (its later steps, its grades given by
    hand), and one each for the versions and regrades involved when a regrade moved any.

    `steps`: the attempt's steps when the caller has read them already (each with its
    response and actor), in time order.
    """
    if attempt.pk is None:  # an instructor's preview records nothing
        return NO_HISTORY
    if steps is None:
        steps = _after_submission_steps(attempt)
    later = [step for step in steps if step.kind in AFTER_SUBMISSION]
    history = GradingHistory()
    _add_moves(history, [s for s in later if s.kind == StepKind.REGRADE])
    for step in later:
        response = step.response
        if step.kind == StepKind.REGRADE:
            old = _mark(step.data.get("old_fraction"), response.max_mark)
        else:
            old = _amount(step.data.get("old_mark"))
        history.notes.setdefault(response.pk, []).append(
            MarkNote(
                at=step.created_at,
                kind=step.kind,
                position=response.position,
                old_mark=old,
                new_mark=_mark(step.fraction, response.max_mark),
                max_mark=response.max_mark,
                comment=step.data.get("comment", ""),
                actor=step.actor,
            )
        )
    _add_notices(history, attempt, later)
    return history


def _add_moves(history: GradingHistory, regrade_steps: list[ResponseStep]) -> None:
    moved = [s for s in regrade_steps if s.data.get("from_version") != s.data.get("to_version")]
    if not moved:
        return
    ids = {s.data["from_version"] for s in moved} | {s.data["to_version"] for s in moved}
    versions = QuestionVersion.objects.in_bulk(ids)
    for step in moved:
        before, after = versions[step.data["from_version"]], versions[step.data["to_version"]]
        history.moves.setdefault(step.response_id, []).append(
            VersionMove(at=step.created_at, from_version=before, to_version=after)
        )
        # The first move's origin is what the learner answered.
        history.answered.setdefault(step.response_id, before)


def _add_notices(history: GradingHistory, attempt: Attempt, later: list[ResponseStep]) -> None:
    regrade_ids = {s.data.get("regrade") for s in later if s.kind == StepKind.REGRADE}
    notices = []
    for regrade in Regrade.objects.filter(pk__in=regrade_ids - {None}) if regrade_ids else []:
        for change in regrade.changes:
            if change.get("attempt") == attempt.pk:
                notices.append(
                    GradeNotice(
                        at=regrade.created_at,
                        kind="regrade",
                        old_score=_amount(change.get("old_score")),
                        new_score=_amount(change.get("new_score")),
                    )
                )
    for step in later:
        if step.kind == StepKind.MANUAL_GRADE:
            notices.append(
                GradeNotice(
                    at=step.created_at,
                    kind="question",
                    old_score=_amount(step.data.get("old_mark")),
                    new_score=_amount(step.data.get("mark")),
                    actor=step.actor,
                    position=step.response.position,
                )
            )
    for row in AttemptGradeOverride.objects.filter(attempt_id=attempt.pk).select_related("actor"):
        notices.append(
            GradeNotice(
                at=row.created_at,
                kind="override" if row.score is not None else "withdrawn",
                old_score=row.previous_score,
                new_score=row.score,
                comment=row.comment,
                actor=row.actor,
            )
        )
        history.override = row if row.score is not None else None
    history.notices = sorted(notices, key=lambda notice: notice.at)


def grading_history_once(
    attempt: Attempt, steps: list[ResponseStep] | None = None
) -> GradingHistory:
    """`grading_history(attempt, steps)`, read once per attempt instance: a review page asks
    for it twice (for its questions and for the notices above them)."""
    if "_grading_history" not in attempt.__dict__:
        attempt.__dict__["_grading_history"] = grading_history(attempt, steps)
    return attempt.__dict__["_grading_history"]


# --- The staff's view of an attempt ---------------------------------------------------------


def attempt_for_staff(*, course: Course, attempt_id: int) -> Attempt | None:
    """An attempt made in this course, with its learner, quiz and course (one query)."""
    return (
        Attempt.objects.select_related("user", "quiz", "course")
        .filter(course=course, pk=attempt_id)
        .first()
    )


def staff_responses(attempt: Attempt) -> list[Response]:
    """The attempt's responses in order, with the version each shows now and each question's
    section and article (for the passage link); one query."""
    return list(
        attempt.responses.select_related("question_version", "question__section__article").order_by(
            "position"
        )
    )


def attempt_steps(attempt: Attempt) -> list[ResponseStep]:
    """Every step of every response of the attempt, in time order, with its response and
    actor (one query)."""
    return list(
        ResponseStep.objects.filter(response__attempt_id=attempt.pk)
        .select_related("actor", "response")
        .order_by("created_at", "pk")
    )


def learner_quiz_attempts(attempt: Attempt) -> list[Attempt]:
    """The same learner's attempts at the same quiz in the same course, first to last."""
    return list(
        Attempt.objects.filter(
            quiz_id=attempt.quiz_id, user_id=attempt.user_id, course_id=attempt.course_id
        ).order_by("number")
    )
