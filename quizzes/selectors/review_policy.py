"""What a learner may see in the review of a submitted attempt now: the one rule, read by the
review page and its template, the API's attempt document and the flashcards made from a review.

The quiz's review options decide it (Moodle's "review options"): when the review opens
(`review_timing`: right after submitting, after the quiz closes, never) and what it shows once
open (`review_shows_correct`: right answers and feedback; `review_shows_explanation`:
explanations and the article's passages). `review_key_after_last_attempt` (Canvas's "only
after their last attempt") holds the right answers, feedback and explanations back, marks and
the learner's answers still shown, until the learner has no attempt left at the quiz: they have
used all their attempts (their accommodations' extra ones included) and none is in progress, or
the quiz has closed for them (an accommodation's later close date counts), in every course that
offers it to them, so a key seen in one course never serves an attempt in another. A question a
graded quiz protects is hidden on top of this, question by question (`selectors.exam_protection`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from ..models import Attempt, AttemptState, Course, Quiz, ReviewTiming
from .accommodations import (
    NONE_USED,
    attempts_decide,
    attempts_used,
    has_attempt_left,
    learner_closes_at,
    learner_terms_by_course,
    still_open_limits,
)


@dataclass(frozen=True)
class ReviewPolicy:
    """What the review of one attempt shows its learner at one moment."""

    # The per-question review may be shown (the attempt is submitted and its review is open).
    available: bool
    # Right answers and the choices' feedback.
    show_answers: bool
    # Explanations and the passages of the article they cite.
    show_explanations: bool
    # Not open yet, but it will be when the quiz closes (what the page tells the learner).
    opens_when_quiz_closes: bool
    # Open, but its right answers and explanations wait for the learner's last attempt at the
    # quiz (or its close): what the page tells the learner.
    key_after_last_attempt: bool = False

    @classmethod
    def for_attempt(cls, attempt: Attempt, now: datetime) -> ReviewPolicy:
        """The policy of this attempt's review at `now` (with `review_key_after_last_attempt`
        on, two or three more queries once the attempt is submitted and its review open)."""
        quiz = attempt.quiz
        if quiz.review_timing == ReviewTiming.AFTER_CLOSE:
            # When the quiz closes for this learner: a later close date (an accommodation)
            # keeps their review shut while they may still take the quiz.
            closes_at = learner_closes_at(attempt) if quiz.closes_at else None
            is_open = closes_at is not None and now >= closes_at
        else:
            is_open = quiz.review_timing == ReviewTiming.AFTER_SUBMIT
        if attempt.state != AttemptState.SUBMITTED or not is_open:
            later = not is_open and quiz.review_timing == ReviewTiming.AFTER_CLOSE
            return cls(False, False, False, opens_when_quiz_closes=later)
        policy = cls.once_open(quiz)
        if (
            quiz.review_key_after_last_attempt
            and (policy.show_answers or policy.show_explanations)
            and not no_attempt_left(attempt, now)
        ):
            return replace(
                policy, show_answers=False, show_explanations=False, key_after_last_attempt=True
            )
        return policy

    @classmethod
    def once_open(cls, quiz: Quiz) -> ReviewPolicy:
        """What the quiz's review shows once it is open and the learner has no attempt left
        (a staff preview shows this)."""
        return cls(
            available=True,
            show_answers=quiz.review_shows_correct,
            show_explanations=quiz.review_shows_explanation,
            opens_when_quiz_closes=False,
        )


def _courses_offering(attempt: Attempt) -> list[int]:
    """Where the learner could take the attempt's quiz: the attempt's course and, for a quiz
    shared by an article's courses, every course of theirs that offers it (as
    `Quiz.is_offered_in` says; one query, only for a shared quiz)."""
    quiz = attempt.quiz
    if quiz.course_id is not None:
        return [attempt.course_id]
    theirs = Course.objects.filter(enrolments__user_id=attempt.user_id)
    if quiz.article_id is not None:
        theirs = theirs.filter(article_id=quiz.article_id)
    return sorted({attempt.course_id, *theirs.values_list("pk", flat=True)})


def no_attempt_left(attempt: Attempt, now: datetime) -> bool:
    """Whether the attempt's learner can take its quiz no more: in every course that offers it
    to them, the quiz has closed for them or they have used all their attempts (accommodations
    included) and none is in progress (`accommodations.has_attempt_left`). Two queries (three
    for a shared quiz); none for a quiz without an attempt limit or a close date, which never
    runs out (accommodations only give more)."""
    quiz = attempt.quiz
    if quiz.max_attempts is None and quiz.closes_at is None:
        return False
    terms = learner_terms_by_course(
        quiz=quiz, learner_id=attempt.user_id, course_ids=_courses_offering(attempt)
    )
    limits = still_open_limits(terms, now)
    if not attempts_decide(limits):
        return not limits  # every course closed for them; else one without a limit
    used = attempts_used(learner_id=attempt.user_id, quiz_ids=[quiz.pk], course_ids=limits)
    return not has_attempt_left(limits, lambda course_id: used.get((quiz.pk, course_id), NONE_USED))
