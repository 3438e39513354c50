"""What a learner may see in the review of a submitted attempt now: the one rule, read by the
review page and its template, the API's attempt document and the flashcards made from a review.

The quiz's review options decide it (Moodle's "review options"): when the review opens
(`review_timing`: right after submitting, after the quiz closes, never) and what it shows once
open (`review_shows_correct`: right answers and feedback; `review_shows_explanation`:
explanations and the article's passages). A question a graded quiz protects is hidden on top
of this, question by question (`selectors.exam_protection`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import Attempt, AttemptState, Quiz, ReviewTiming
from .accommodations import learner_closes_at


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

    @classmethod
    def for_attempt(cls, attempt: Attempt, now: datetime) -> ReviewPolicy:
        """The policy of this attempt's review at `now`."""
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
        return cls.once_open(quiz)

    @classmethod
    def once_open(cls, quiz: Quiz) -> ReviewPolicy:
        """What the quiz's review shows once it is open (a staff preview shows this)."""
        return cls(
            available=True,
            show_answers=quiz.review_shows_correct,
            show_explanations=quiz.review_shows_explanation,
            opens_when_quiz_closes=False,
        )
