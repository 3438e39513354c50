"""Grades after submission: regrading a quiz's attempts once a key is fixed (after Moodle's
regrade), and marks given by hand to one question or a whole attempt (Moodle's manual grading).

Nothing here rewrites the past: a regrade, a mark given by hand and a comment each add a step
to the response (or an AttemptGradeOverride row to the attempt), and every changed score makes
the learner's quiz grade again in the same transaction (`quiz_grades`, whose signal the LTI
outbox listens to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, Sum

from ..errors import AttemptNotFound, DomainError
from ..models import (
    Attempt,
    AttemptGradeOverride,
    AttemptState,
    Course,
    GradeReason,
    QuestionVersion,
    Quiz,
    QuizMode,
    Regrade,
    Response,
    ResponseState,
    ResponseStep,
    StepKind,
)
from ..permissions import teaches
from ..qtypes import InvalidResponse, registry
from .quiz_grades import refresh_quiz_grade, refresh_quiz_grades

CENT = Decimal("0.01")
FRACTION = Decimal("0.00001")
COMMENT_MAX_LENGTH = 2000


class RegradeRefused(DomainError):
    """The quiz cannot be regraded (practice quizzes keep their per-try penalties)."""

    code = "regrade_refused"


class OverrideRefused(DomainError):
    """A mark or grade given by hand was refused; `code` says why (the attempt is still open,
    the mark is out of range, nothing was given)."""

    code = "override_refused"


class OverrideNotAllowed(DomainError):
    """The user does not teach the attempt's course."""

    code = "override_not_allowed"


@dataclass
class ResponseChange:
    """A response whose grade a regrade changes: its question, the version it moves to, and
    its mark before and after."""

    response: Response
    version: QuestionVersion
    fraction: Decimal
    score: Decimal
    state: str

    @property
    def old_mark(self) -> Decimal | None:
        return self.response.score

    @property
    def new_mark(self) -> Decimal:
        return self.score

    @property
    def moves_version(self) -> bool:
        return self.version.pk != self.response.question_version_id


@dataclass
class AttemptChange:
    """One attempt's score before and after the regrade, question by question."""

    attempt: Attempt
    old_score: Decimal
    new_score: Decimal
    responses: list[ResponseChange]
    # Responses the regrade would change but leaves alone: their mark was given by hand.
    kept: list[Response] = field(default_factory=list)
    # The attempt's grade was given by hand: it stands whatever the questions' marks become.
    grade_kept: bool = False

    @property
    def changed(self) -> bool:
        return self.old_score != self.new_score or bool(self.responses)


def _target_version(response: Response) -> QuestionVersion:
    """The question's newest version when the answer carries over to it, else the one shown.

    An answer carries over when it still names only choices of the new version (keys of
    unchanged texts are kept across versions).
    """
    newest = response.question.current_version
    shown = response.question_version
    if newest is None or newest.pk == shown.pk or newest.qtype != shown.qtype:
        return shown
    if response.answer is None:
        return newest
    try:
        registry.get(newest.qtype).normalize_response(newest.payload, response.answer)
    except InvalidResponse:
        return shown
    return newest


def _grade_overrides(attempt_ids: list[int]) -> dict[int, AttemptGradeOverride]:
    """The grade given by hand in force for each attempt that has one (one query)."""
    latest: dict[int, AttemptGradeOverride] = {}
    for row in AttemptGradeOverride.objects.filter(attempt_id__in=attempt_ids).order_by(
        "created_at", "pk"
    ):
        latest[row.attempt_id] = row
    return {pk: row for pk, row in latest.items() if row.score is not None}


def regrade_plan(*, quiz: Quiz, course: Course | None) -> list[AttemptChange]:
    """What a regrade would change, attempt by attempt and question by question (nothing is
    written). Marks and grades given by hand stand: the plan lists them as kept."""
    if quiz.mode == QuizMode.PRACTICE:
        raise RegradeRefused("Practice quizzes are not regraded.")
    attempts = Attempt.objects.filter(quiz=quiz, state=AttemptState.SUBMITTED).select_related(
        "user"
    )
    if course is not None:
        attempts = attempts.filter(course=course)
    attempts = list(attempts.order_by("pk"))
    responses: dict[int, list[Response]] = {}
    for response in (
        Response.objects.filter(attempt__in=attempts)
        .select_related("question_version", "question__current_version")
        .order_by("position")
    ):
        responses.setdefault(response.attempt_id, []).append(response)
    by_hand = set(
        ResponseStep.objects.filter(
            response__attempt__in=attempts, kind=StepKind.MANUAL_GRADE
        ).values_list("response_id", flat=True)
    )
    overrides = _grade_overrides([a.pk for a in attempts])
    plan = []
    for attempt in attempts:
        change = AttemptChange(attempt, attempt.score, attempt.score, [])
        total = Decimal(0)
        for response in responses.get(attempt.pk, []):
            version = _target_version(response)
            grade = registry.get(version.qtype).grade(version.payload, response.answer)
            score = (response.max_mark * grade.fraction).quantize(CENT)
            differs = version.pk != response.question_version_id or grade.fraction != (
                response.fraction
            )
            if differs and response.pk in by_hand:
                change.kept.append(response)
                score = response.score or Decimal(0)
            elif differs:
                change.responses.append(
                    ResponseChange(response, version, grade.fraction, score, grade.state.value)
                )
            total += score
        if attempt.pk in overrides:
            change.grade_kept = True
        else:
            change.new_score = min(total, attempt.max_score)
        plan.append(change)
    return plan


def quiz_regrade(*, quiz: Quiz, course: Course | None, actor: AbstractBaseUser) -> Regrade:
    """Apply a regrade: new REGRADE steps, updated scores and a Regrade record of who and when.

    Old steps are never changed, so the history still shows every earlier grade.
    """
    with transaction.atomic():
        # Lock the quiz's attempts so no submission or second regrade interleaves.
        list(Attempt.objects.select_for_update().filter(quiz=quiz).values_list("pk", flat=True))
        plan = regrade_plan(quiz=quiz, course=course)
        regrade = Regrade.objects.create(
            quiz=quiz,
            created_by=actor,
            attempt_count=len(plan),
            changed_count=sum(1 for change in plan if change.old_score != change.new_score),
            changes=[
                {
                    "attempt": c.attempt.pk,
                    "learner": c.attempt.user.get_username(),
                    "old_score": str(c.old_score),
                    "new_score": str(c.new_score),
                }
                for c in plan
                if c.changed
            ],
        )
        _write_changes(quiz, plan, regrade, actor)
    return regrade


def _next_seqs(responses: list[Response]) -> dict[int, int]:
    """The next free step number of each response (one query)."""
    last = dict(
        ResponseStep.objects.filter(response__in=responses)
        .values_list("response")
        .annotate(last=Max("seq"))
    )
    return {response.pk: last.get(response.pk, 0) + 1 for response in responses}


def _write_changes(
    quiz: Quiz, plan: list[AttemptChange], regrade: Regrade, actor: AbstractBaseUser
) -> None:
    changed = [rc for change in plan for rc in change.responses]
    seqs = _next_seqs([rc.response for rc in changed])
    steps = []
    for rc in changed:
        response = rc.response
        steps.append(
            ResponseStep(
                response=response,
                seq=seqs[response.pk],
                kind=StepKind.REGRADE,
                state=ResponseState(rc.state),
                fraction=rc.fraction,
                actor=actor,
                data={
                    "regrade": regrade.pk,
                    "from_version": response.question_version_id,
                    "to_version": rc.version.pk,
                    "old_fraction": str(response.fraction),
                },
            )
        )
        response.question_version = rc.version
        response.fraction, response.score, response.state = rc.fraction, rc.score, rc.state
    ResponseStep.objects.bulk_create(steps)
    Response.objects.bulk_update(
        [rc.response for rc in changed], ["question_version", "fraction", "score", "state"]
    )
    attempts = [c.attempt for c in plan if c.old_score != c.new_score]
    for change in plan:
        change.attempt.score = change.new_score
    Attempt.objects.bulk_update(attempts, ["score"])
    # The quiz grades of the learners whose scores changed, in this same transaction.
    refresh_quiz_grades(quiz=quiz, reason=GradeReason.REGRADE, attempts=attempts)


# --- Marks and grades given by hand --------------------------------------------------------


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
    override = _grade_overrides([attempt.pk]).get(attempt.pk)
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
        if amount is None and not comment:
            raise OverrideRefused("Give a mark, a comment, or both.", code="nothing_given")
        step = ResponseStep(
            response=response,
            seq=_next_seqs([response])[response.pk],
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
        if amount is None and attempt.pk not in _grade_overrides([attempt.pk]):
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
