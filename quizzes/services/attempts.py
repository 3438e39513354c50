"""Writes for attempts: start, save answers, check (practice), submit, finalise when overdue."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q

from .. import clock
from ..errors import (
    AttemptClosed,
    AttemptNotFound,
    InvalidAnswer,
    QuizUnavailable,
    UnknownQuestion,
)
from ..lti.outbox import enqueue_for_attempt
from ..models import (
    Attempt,
    AttemptState,
    Course,
    Enrolment,
    Quiz,
    QuizMode,
    Response,
    ResponseState,
    ResponseStep,
    StepKind,
)
from ..qtypes import Grade, InvalidResponse, registry
from ..selectors.exam_protection import attempt_guard
from .quiz_assembly import quiz_pick_questions

# Moodle's interactive behaviour takes a third of the mark off for each wrong try.
PRACTICE_PENALTY = Decimal(1) / 3
CENT = Decimal("0.01")


def _check_may_start(quiz: Quiz, user: AbstractBaseUser, course: Course) -> None:
    if not (user.is_superuser or Enrolment.objects.filter(course=course, user=user).exists()):
        raise QuizUnavailable(code="not_enrolled")
    visible = quiz.is_published and (
        quiz.course_id == course.pk
        or (quiz.course_id is None and quiz.article_id in (None, course.article_id))
    )
    if not visible:
        raise QuizUnavailable(code="quiz_unavailable")
    now = clock.now()
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizUnavailable(code="quiz_not_open")
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizUnavailable(code="quiz_closed")


@dataclass(frozen=True)
class StartResult:
    """The attempt to show and whether this call created it (False: it was already open)."""

    attempt: Attempt
    created: bool


def attempt_start(
    *, quiz: Quiz, user: AbstractBaseUser, course: Course, rng: random.Random | None = None
) -> Attempt:
    """Start an attempt, or return the one already open (see `attempt_start_or_resume`)."""
    return attempt_start_or_resume(quiz=quiz, user=user, course=course, rng=rng).attempt


def attempt_start_or_resume(
    *, quiz: Quiz, user: AbstractBaseUser, course: Course, rng: random.Random | None = None
) -> StartResult:
    """Start an attempt, or return the one already open, so a reload shows the same attempt.

    Everything is fixed here: the questions, their exact versions, their order and the order
    of their choices. Of two starts at the same moment the database lets one create the
    attempt; the other is told it resumed that one.
    """
    _check_may_start(quiz, user, course)
    mine = Attempt.objects.filter(quiz=quiz, user=user, course=course)
    open_attempt = mine.filter(state=AttemptState.IN_PROGRESS).first()
    if open_attempt and not attempt_finalize_if_overdue(attempt=open_attempt):
        return StartResult(open_attempt, created=False)
    used = mine.count()
    if quiz.max_attempts is not None and used >= quiz.max_attempts:
        raise QuizUnavailable(code="no_attempts_left")
    picks = quiz_pick_questions(
        quiz=quiz, rng=rng or random.SystemRandom(), course=course, learner_id=user.pk
    )
    now = clock.now()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                course=course,
                number=used + 1,
                started_at=now,
                deadline=_deadline(quiz, now),
                max_score=sum((p.mark for p in picks), Decimal(0)),
            )
            Response.objects.bulk_create(
                Response(
                    attempt=attempt,
                    position=n,
                    question_id=p.question_id,
                    question_version=p.version,
                    max_mark=p.mark,
                    choice_order=p.choice_order,
                )
                for n, p in enumerate(picks, start=1)
            )
    except IntegrityError:
        # Two tabs started at once: the database let one win; show that one.
        attempt = mine.filter(state=AttemptState.IN_PROGRESS).first()
        if attempt is None:
            raise
        return StartResult(attempt, created=False)
    return StartResult(attempt, created=True)


def _deadline(quiz: Quiz, now: datetime) -> datetime | None:
    ends = []
    if quiz.time_limit_minutes:
        ends.append(now + timedelta(minutes=quiz.time_limit_minutes))
    if quiz.closes_at:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def _locked_attempt(attempt_id: int, user: AbstractBaseUser) -> Attempt:
    """The user's attempt with its quiz, locked until the transaction ends; 404 otherwise."""
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("quiz")
        .filter(pk=attempt_id, user=user)
        .first()
    )
    if attempt is None:
        raise AttemptNotFound()
    return attempt


def _open_attempt_for_update(attempt_id: int, user: AbstractBaseUser) -> Attempt:
    """The user's open attempt, locked for this transaction; refused once closed or overdue.

    Call `_finalize_overdue(...)` first, outside the transaction, so that an attempt whose time
    ran out is submitted (and stays submitted) even though the write asked for is refused.
    """
    attempt = _locked_attempt(attempt_id, user)
    timed_out = attempt.deadline is not None and attempt.submitted_at == attempt.deadline
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed(code="time_up" if timed_out else None)
    if _is_overdue(attempt):
        raise AttemptClosed(code="time_up")
    return attempt


def _finalize_overdue(attempt_id: int, user: AbstractBaseUser) -> None:
    attempt = Attempt.objects.filter(pk=attempt_id, user=user).first()
    if attempt is not None:
        attempt_finalize_if_overdue(attempt=attempt)


def _is_overdue(attempt: Attempt) -> bool:
    return attempt.deadline is not None and clock.now() >= attempt.deadline


@dataclass(frozen=True)
class SaveResult:
    """What saving answers did: the responses saved and, per question id, why one was not."""

    saved: list[Response]
    errors: dict[int, InvalidAnswer]

    @property
    def messages(self) -> dict[int, str]:
        """The errors as messages for the learner, per question id."""
        return {question_id: error.message for question_id, error in self.errors.items()}


def answers_save(
    *,
    attempt_id: int,
    user: AbstractBaseUser,
    answers: Mapping[int, Any],
    flags: Mapping[int, bool] | None = None,
) -> SaveResult:
    """Save answers (question id → raw answer) and flags; each changed answer is a new SAVE step.

    `None` or an answer that gives nothing clears the response. An invalid answer is reported
    and leaves its response, flag included, as it was; the others are saved. Saving the same
    answer again writes nothing.
    """
    _finalize_overdue(attempt_id, user)
    with transaction.atomic():
        return _save_in_transaction(attempt_id, user, answers, flags or {})


def _save_in_transaction(
    attempt_id: int, user: AbstractBaseUser, answers: Mapping[int, Any], flags: Mapping[int, bool]
) -> SaveResult:
    attempt = _open_attempt_for_update(attempt_id, user)
    wanted = set(answers) | set(flags)
    responses = {
        r.question_id: r
        for r in attempt.responses.select_related("question_version")
        .annotate(last_seq=Max("steps__seq"))
        .filter(question_id__in=wanted)
    }
    unknown = wanted - set(responses)
    if unknown:
        raise UnknownQuestion(f"Question {min(unknown)} is not part of this attempt.")
    saved, errors, steps = [], {}, []
    for question_id, response in responses.items():
        if question_id in answers:
            try:
                step = _apply_answer(attempt, response, answers[question_id])
            except InvalidAnswer as exc:
                errors[question_id] = exc
                continue
            if step:
                steps.append(step)
        if question_id in flags:
            response.is_flagged = bool(flags[question_id])
        response.save(
            update_fields=["answer", "state", "fraction", "score", "is_flagged", "updated_at"]
        )
        saved.append(response)
    ResponseStep.objects.bulk_create(steps)
    return SaveResult(saved=saved, errors=errors)


def _read_answer(response: Response, raw: Any) -> dict[str, Any] | None:
    """The answer as stored (None: no answer), or InvalidAnswer saying what is wrong."""
    version = response.question_version
    try:
        return registry.get(version.qtype).read_answer(version.payload, raw)
    except InvalidResponse as exc:
        raise InvalidAnswer(str(exc)) from None


def _answered_state(response: Response, answer: dict[str, Any] | None) -> ResponseState:
    """Answered only when the answer is complete for its type; a partial one is kept but not
    counted as answered (a matching question with some pairs left open, say)."""
    version = response.question_version
    if answer is None or not registry.get(version.qtype).is_complete(version.payload, answer):
        return ResponseState.UNANSWERED
    return ResponseState.ANSWERED


def _apply_answer(attempt: Attempt, response: Response, raw: Any) -> ResponseStep | None:
    """Put a normalised answer on the response; the step to record, or None if unchanged."""
    answer = _read_answer(response, raw)
    if answer == response.answer:
        return None
    if attempt.quiz.mode == QuizMode.PRACTICE and response.state == ResponseState.CORRECT:
        raise InvalidAnswer(code="already_correct")
    response.answer = answer
    response.state = _answered_state(response, answer)
    response.fraction = response.score = None
    return ResponseStep(
        response=response,
        seq=(response.last_seq or 0) + 1,
        kind=StepKind.SAVE,
        data={"answer": answer},
        state=response.state,
    )


def practice_fraction(fraction: Decimal, wrong_tries: int) -> Decimal:
    """A practice grade after its wrong tries: a third off for each, never below zero."""
    if not fraction:
        return fraction
    return max(Decimal(0), fraction - PRACTICE_PENALTY * wrong_tries).quantize(Decimal("0.00001"))


@dataclass(frozen=True)
class CheckResult:
    """A practice answer checked: the response and the grade (with the penalty applied)."""

    response: Response
    grade: Grade
    wrong_tries_before: int


def answer_check(
    *, attempt_id: int, user: AbstractBaseUser, question_id: int, raw: Any
) -> CheckResult:
    """Practice mode: save an answer and grade it at once, with another try when it is wrong.

    Each earlier wrong try takes a third of the mark off (Moodle's interactive mode).
    """
    _finalize_overdue(attempt_id, user)
    with transaction.atomic():
        return _check_in_transaction(attempt_id, user, question_id, raw)


def _check_in_transaction(
    attempt_id: int, user: AbstractBaseUser, question_id: int, raw: Any
) -> CheckResult:
    attempt = _open_attempt_for_update(attempt_id, user)
    if attempt.quiz.mode != QuizMode.PRACTICE:
        raise InvalidAnswer(code="practice_only")
    response = (
        attempt.responses.select_related("question_version")
        .annotate(last_seq=Max("steps__seq"))
        .filter(question_id=question_id)
        .first()
    )
    if response is None:
        raise UnknownQuestion()
    # A question a graded quiz protects gets no verdict: tries would give its key away.
    if attempt_guard(attempt, clock.now()).withholds(question_id):
        raise InvalidAnswer(code="feedback_withheld")
    if _read_answer(response, raw) is None:
        raise InvalidAnswer("Answer the question before checking it.")
    if response.state == ResponseState.CORRECT:
        raise InvalidAnswer(code="already_correct")
    save_step = _apply_answer(attempt, response, raw)
    version = response.question_version
    grade = registry.get(version.qtype).grade(version.payload, response.answer)
    wrong_before = (
        response.steps.filter(kind=StepKind.CHECK).exclude(state=ResponseState.CORRECT).count()
    )
    response.state = ResponseState(grade.state.value)
    response.fraction = practice_fraction(grade.fraction, wrong_before)
    response.score = (response.max_mark * response.fraction).quantize(CENT)
    response.save(update_fields=["answer", "state", "fraction", "score", "updated_at"])
    seq = (response.last_seq or 0) + (2 if save_step else 1)
    steps = [save_step] if save_step else []
    steps.append(
        ResponseStep(
            response=response,
            seq=seq,
            kind=StepKind.CHECK,
            data={"answer": response.answer},
            state=response.state,
            fraction=grade.fraction,
        )
    )
    ResponseStep.objects.bulk_create(steps)
    return CheckResult(response=response, grade=grade, wrong_tries_before=wrong_before)


def attempt_submit(*, attempt_id: int, user: AbstractBaseUser) -> Attempt:
    """Submit and grade an attempt; submitting again returns the same result, graded once."""
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id, user)
        if attempt.state == AttemptState.IN_PROGRESS:
            when = attempt.deadline if _is_overdue(attempt) else clock.now()
            _grade_and_close(attempt, submitted_at=when)
    return attempt


def attempt_finalize_if_overdue(*, attempt: Attempt) -> bool:
    """Submit an open attempt whose time ran out, with its saved answers; True if it did."""
    if attempt.state != AttemptState.IN_PROGRESS or not _is_overdue(attempt):
        return False
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if locked.state != AttemptState.IN_PROGRESS:
            return False
        _grade_and_close(locked, submitted_at=locked.deadline)
    attempt.refresh_from_db()
    return True


def attempts_close_overdue() -> int:
    """Finalise every overdue attempt (for a scheduler); returns how many were closed."""
    overdue = Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lte=clock.now())
    return sum(attempt_finalize_if_overdue(attempt=a) for a in overdue.iterator())


def _grade_and_close(attempt: Attempt, *, submitted_at) -> None:
    """Grade every response once, append SUBMIT steps, total the score and close the attempt.

    Practice answers already checked keep their checked grade (with its penalty); any other
    practice answer is graded now with the same penalty for the wrong tries before it, so
    saving instead of checking the last try does not escape it.
    """
    practice = attempt.quiz.mode == QuizMode.PRACTICE
    responses = list(
        attempt.responses.select_related("question_version").annotate(
            last_seq=Max("steps__seq"),
            wrong_tries=Count(
                "steps",
                filter=Q(steps__kind=StepKind.CHECK) & ~Q(steps__state=ResponseState.CORRECT),
            ),
        )
    )
    checked = {ResponseState.CORRECT, ResponseState.PARTIAL, ResponseState.WRONG}
    steps = []
    for response in responses:
        if not (practice and response.state in checked):
            version = response.question_version
            grade = registry.get(version.qtype).grade(version.payload, response.answer)
            response.state = ResponseState(grade.state.value)
            response.fraction = (
                practice_fraction(grade.fraction, response.wrong_tries)
                if practice
                else grade.fraction
            )
            response.score = (response.max_mark * response.fraction).quantize(CENT)
        steps.append(
            ResponseStep(
                response=response,
                seq=(response.last_seq or 0) + 1,
                kind=StepKind.SUBMIT,
                data={},
                state=response.state,
                fraction=response.fraction,
            )
        )
    Response.objects.bulk_update(responses, ["state", "fraction", "score"])
    ResponseStep.objects.bulk_create(steps)
    attempt.score = min(sum((r.score for r in responses), Decimal(0)), attempt.max_score)
    attempt.state = AttemptState.SUBMITTED
    attempt.submitted_at = submitted_at
    attempt.save(update_fields=["score", "state", "submitted_at"])
    # The grade for the platform is queued in this transaction: it is sent if and only if the
    # submission is committed (the LTI outbox).
    enqueue_for_attempt(attempt)
    transaction.on_commit(lambda: _after_submit(attempt.pk))


def _after_submit(attempt_id: int) -> None:
    """Work that follows a submission once it is committed: the learner's study cards."""
    from .study import study_cards_from_attempt

    attempt = Attempt.objects.select_related("quiz").get(pk=attempt_id)
    study_cards_from_attempt(attempt=attempt)
