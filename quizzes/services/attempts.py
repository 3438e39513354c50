"""Writes for attempts: start, check (practice); saving answers lives in `answers`, submitting
in `submission`, and both are importable from here."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import behaviours, clock
from ..errors import (
    AttemptClosed,
    InvalidAnswer,
    QuizUnavailable,
    TooManyWrites,
    UnknownQuestion,
)
from ..models import (
    Attempt,
    AttemptState,
    Course,
    Quiz,
    Response,
    ResponseStep,
    StepKind,
)
from ..qtypes import Grade, GradeState, registry
from ..selectors.accommodations import QuizTerms, quiz_terms
from ..selectors.delivery import StartOffer, as_live, start_offer_sent, with_last_step
from ..selectors.exam_protection import attempt_guard
from ..selectors.subqueries import count_of
from .answers import (
    SaveResult,
    answered_state,
    answers_save,
    ensure_open,
    read_answer,
    save_step,
    write_limit,
)
from .pipelined import pipelined
from .quiz_assembly import quiz_pick_questions, quiz_slots_sent
from .row_writes import insert_with_children
from .submission import (
    CENT,
    attempt_finalize_if_overdue,
    attempt_submit,
    attempts_close_overdue,
    is_overdue,
    locked_attempt,
)

__all__ = [
    "CENT",
    "CheckResult",
    "SaveResult",
    "StartResult",
    "answer_check",
    "answers_save",
    "attempt_finalize_if_overdue",
    "attempt_start",
    "attempt_start_or_resume",
    "attempt_submit",
    "attempts_close_overdue",
]


@dataclass(frozen=True)
class StartResult:
    """The attempt to show and whether this call created it (False: it was already open).

    A new attempt comes with its responses as written, so showing it needs no read.
    """

    attempt: Attempt
    created: bool
    responses: list[Response] | None = None


def attempt_start(
    *, quiz: Quiz, user: AbstractBaseUser, course: Course, rng: random.Random | None = None
) -> Attempt:
    """Start an attempt in a course, or return the one already open there."""
    return attempt_start_or_resume(quiz_id=quiz.pk, user=user, course_id=course.pk, rng=rng).attempt


def attempt_start_or_resume(
    *,
    quiz_id: int,
    user: AbstractBaseUser,
    course_id: int | None = None,
    course_slug: str | None = None,
    rng: random.Random | None = None,
) -> StartResult:
    """Start an attempt, or return the one already open, so a reload shows the same attempt.

    The course (by id or slug) may be left out when only one of the user's courses offers
    the quiz.
    Everything is fixed here: the questions, their exact versions, their order and the order
    of their choices. Of two starts at the same moment the database lets one create the
    attempt; the other is told it resumed that one.
    """
    limit, period = write_limit()
    # The quiz's slots are read with the offer, in one round trip on PostgreSQL; both are
    # fetched at once (an unread SQLite cursor would keep its snapshot), whatever comes next.
    with pipelined(Attempt):
        read_offer = start_offer_sent(
            user=user,
            quiz_id=quiz_id,
            course_id=course_id,
            course_slug=course_slug,
            since=timezone.now() - timedelta(seconds=period),
        )
        read_slots = quiz_slots_sent(quiz_id)
    offer, slots = read_offer(), read_slots()
    terms = _check_may_start(
        offer, asked_for_course=course_id is not None or course_slug is not None
    )
    if offer.open_attempt_id is not None:
        attempt = Attempt.objects.select_related("quiz").get(pk=offer.open_attempt_id)
        if not attempt_finalize_if_overdue(attempt=attempt):
            return StartResult(attempt, created=False)
    quiz = offer.quiz
    if terms.max_attempts is not None and offer.attempts_used >= terms.max_attempts:
        raise QuizUnavailable(code="no_attempts_left")
    if offer.started_recently >= limit:
        raise TooManyWrites(retry_after=period)
    # Only a quiz that shows verdicts during the attempt asks its course which questions
    # graded quizzes keep back: its checks would give their keys away.
    gives_feedback = behaviours.for_quiz(quiz).gives_feedback_during_attempt
    course = Course.objects.get(pk=offer.course_id) if gives_feedback else None
    picks = quiz_pick_questions(
        quiz=quiz, rng=rng or unpredictable_rng(), course=course, learner_id=user.pk, slots=slots
    )
    now = clock.now()
    new = Attempt(
        quiz=quiz,
        user=user,
        course_id=offer.course_id,
        number=offer.attempts_used + 1,
        started_at=now,
        deadline=terms.deadline(now),
        max_score=sum((p.mark for p in picks), Decimal(0)),
    )
    try:
        attempt, responses = insert_with_children(
            new,
            [
                Response(
                    position=n,
                    question_id=p.question_id,
                    question_version=p.version,
                    max_mark=p.mark,
                    choice_order=p.choice_order,
                )
                for n, p in enumerate(picks, start=1)
            ],
            link="attempt",
        )
    except IntegrityError:
        # Two tabs started at once: the database let one win; show that one.
        attempt = (
            Attempt.objects.select_related("quiz")
            .filter(
                quiz_id=quiz_id,
                user=user,
                course_id=offer.course_id,
                state=AttemptState.IN_PROGRESS,
            )
            .first()
        )
        if attempt is None:
            raise
        return StartResult(attempt, created=False)
    return StartResult(attempt, created=True, responses=responses)


def unpredictable_rng() -> random.Random:
    """A generator for one attempt's draw and orders, seeded with 128 bits from the operating
    system: as unpredictable as `SystemRandom`, without a system call for every number (a
    start of 18 questions asked for about 150)."""
    return random.Random(secrets.randbits(128))


def _check_may_start(offer: StartOffer | None, *, asked_for_course: bool) -> QuizTerms:
    """The quiz's terms for the user (their accommodations applied); QuizUnavailable (with the
    reason as its code) unless they may start it."""
    if offer is None:
        raise QuizUnavailable(code="quiz_unavailable")
    if asked_for_course and not offer.is_member:
        raise QuizUnavailable(code="not_enrolled")
    if offer.course_id is None:
        raise QuizUnavailable(code="quiz_unavailable")
    if offer.course_count > 1:
        raise QuizUnavailable(code="course_needed")
    now, terms = clock.now(), quiz_terms(offer.quiz, offer.accommodations)
    if terms.opens_at and now < terms.opens_at:
        raise QuizUnavailable(code="quiz_not_open")
    if terms.closes_at and now >= terms.closes_at:
        raise QuizUnavailable(code="quiz_closed")
    return terms


@dataclass(frozen=True)
class CheckResult:
    """An answer checked: the response and the grade (the response's mark carries the
    behaviour's penalty, the grade is the grader's own verdict)."""

    response: Response
    grade: Grade
    wrong_tries_before: int


def answer_check(
    *, attempt_id: int, user: AbstractBaseUser, question_id: int, raw: Any
) -> CheckResult:
    """Save an answer and grade it at once, when the quiz's behaviour allows a check
    (practice quizzes: interactive, each earlier wrong try taking a third of the mark off).
    A check is an attempt write: past the write limit it is TooManyWrites, as a save is.
    """
    with transaction.atomic():
        attempt = locked_attempt(attempt_id, user)
        if attempt.state == AttemptState.IN_PROGRESS and not is_overdue(attempt):
            return _check_in_transaction(attempt, question_id, raw)
    # Closed, or out of time: an overdue attempt is submitted with what was saved (outside
    # the transaction above, so the submission stays although the check is refused).
    ensure_open(attempt)
    raise AttemptClosed()


def _writes_since(attempt_id: int, since: datetime) -> Coalesce:
    """How many steps the attempt got since `since`, as a subquery: the write limit is counted
    in the query that reads the response, not in one of its own."""
    steps = ResponseStep.objects.filter(response__attempt_id=attempt_id, created_at__gte=since)
    return count_of(steps, per="response__attempt_id")


def _check_in_transaction(attempt: Attempt, question_id: int, raw: Any) -> CheckResult:
    behaviour = behaviours.for_quiz(attempt.quiz)
    if not behaviour.can_check:
        raise InvalidAnswer(code="practice_only")
    now = timezone.now()
    limit, period = write_limit()
    response = with_last_step(
        attempt.responses.select_related("question_version")
        .filter(question_id=question_id)
        .annotate(recent_writes=_writes_since(attempt.pk, now - timedelta(seconds=period)))
    ).first()
    if response is None:
        raise UnknownQuestion()
    # Here rather than in a door, so a check through the API, the page's script or the plain
    # page is refused alike; counted from the steps already written, as `answers_save` does.
    if response.recent_writes >= limit:
        raise TooManyWrites(retry_after=period)
    as_live(response)
    # A question a graded quiz protects gets no verdict: tries would give its key away.
    if attempt_guard(attempt, clock.now()).withholds(question_id):
        raise InvalidAnswer(code="feedback_withheld")
    answer = read_answer(response, raw)
    if answer is None:
        raise InvalidAnswer("Answer the question before checking it.")
    refusal = behaviour.refuses_check(response.state)
    if refusal:
        raise InvalidAnswer(code=refusal)
    steps = []
    if answer != response.answer:
        response.answer, response.state = answer, answered_state(response, answer)
        steps.append(save_step(response, now))
        response.last_seq = steps[-1].seq
    version = response.question_version
    grade = registry.get(version.qtype).grade(version.payload, answer)
    wrong_before = (
        response.steps.filter(kind=StepKind.CHECK).exclude(state=GradeState.CORRECT).count()
        if behaviour.counts_wrong_tries
        else 0
    )
    mark = behaviour.after_check(grade, wrong_before)
    response.state, response.fraction = mark.state, mark.fraction
    response.score = (response.max_mark * response.fraction).quantize(CENT)
    response.save(update_fields=["answer", "is_flagged", "state", "fraction", "score"])
    steps.append(
        ResponseStep(
            response=response,
            seq=(response.last_seq or 0) + 1,
            kind=StepKind.CHECK,
            data={"answer": answer, "flagged": response.is_flagged},
            # The step keeps the grader's own verdict; the penalty is the behaviour's, and a
            # replay applies it again from the tries.
            state=grade.state.value,
            fraction=grade.fraction,
        )
    )
    ResponseStep.objects.bulk_create(steps)
    return CheckResult(response=response, grade=grade, wrong_tries_before=wrong_before)
