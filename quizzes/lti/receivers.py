"""The LTI package's answers to the quiz core's signals: a learner's changed quiz grade is
written to the grade outbox in the transaction that changed it, so it leaves for the platform
if and only if that transaction commits (`outbox.py` sends it later).

Connected in `QuizzesConfig.ready`; the core never imports this package. The outbox (and the
HTTP and JWT libraries behind it) is imported on the first grade, not when Django starts, so
a process that never grades (a management command, the quiz core's tests) never loads them.
"""

from __future__ import annotations

from django.dispatch import receiver

from ..models import Attempt, GradeReason, QuizGrade, ScoreReason
from ..signals import quiz_grade_changed, quiz_grades_changed

# The outbox records why a grade left; a change of grading method or pass mark is a regrade
# to the platform.
SCORE_REASONS = {
    GradeReason.SUBMIT: ScoreReason.SUBMIT,
    GradeReason.REGRADE: ScoreReason.REGRADE,
    GradeReason.OVERRIDE: ScoreReason.OVERRIDE,
    GradeReason.SETTINGS: ScoreReason.REGRADE,
}


def _from_a_platform(attempt: Attempt) -> bool:
    """Only courses a platform launched have links to send grades to (`provisioning` gives
    them their issuer); a standalone course costs no outbox query. The course is loaded
    with the attempt by every sender on a hot path."""
    return bool(attempt.course.lti_issuer)


@receiver(quiz_grade_changed, dispatch_uid="kzstudy.lti.outbox.one")
def queue_grade(
    sender: type, *, quiz_grade: QuizGrade, attempt: Attempt, reason: str, **kwargs
) -> None:
    """Queue one learner's quiz grade for the placements of the quiz they launched."""
    if _from_a_platform(attempt):
        from .outbox import enqueue_for_attempt

        enqueue_for_attempt(attempt, percent=quiz_grade.percent, reason=SCORE_REASONS[reason])


@receiver(quiz_grades_changed, dispatch_uid="kzstudy.lti.outbox.many")
def queue_grades(
    sender: type, *, changes: list[tuple[QuizGrade, Attempt]], reason: str, **kwargs
) -> None:
    """Queue many learners' quiz grades on one quiz (a regrade), reading links once."""
    from .outbox import enqueue_for_attempts

    enqueue_for_attempts(
        [(attempt, grade.percent) for grade, attempt in changes], reason=SCORE_REASONS[reason]
    )
