"""A learner's quiz grade: the one definition of it, stored as a QuizGrade row.

The grade is one percent per learner, quiz and course, taken from their submitted attempts by
the quiz's grading method (Moodle's quiz "Grading method": highest, average, first, last); it
passes when it reaches the quiz's pass mark (`Quiz.passes`). It is computed again, in the same
transaction, whenever an attempt's score is set or changed (a submission, an overdue attempt
closed, a regrade, a mark or grade given by hand) and when the quiz's grading method or pass
mark changes; each time a domain signal tells integrations (the LTI outbox) about it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from .. import clock
from ..models import Attempt, AttemptState, GradeReason, GradingMethod, Quiz, QuizGrade
from ..selectors import prepared
from ..signals import quiz_grade_changed, quiz_grades_changed
from .row_writes import insert_new

CENT = Decimal("0.01")
GRADE_FIELDS = ["percent", "attempt_count", "attempt", "passed", "updated_at"]


@dataclass(frozen=True)
class GradeFigures:
    """A grade before it is stored: its percent, the attempt it is (None for an average) and
    how many submitted attempts it was taken from."""

    percent: Decimal
    attempt_id: int | None
    attempt_count: int


def _ratio(attempt: Attempt) -> Decimal | None:
    """The attempt's score in percent, unrounded; None unless submitted with a maximum."""
    if attempt.state != AttemptState.SUBMITTED or attempt.score is None or not attempt.max_score:
        return None
    return attempt.score * 100 / attempt.max_score


def grade_figures(method: str, attempts: Iterable[Attempt]) -> GradeFigures | None:
    """The grade a grading method makes of one learner's attempts at a quiz (pure).

    Only submitted attempts with a maximum count (an attempt out of 0 has no percent); None
    when there are none. Of equal highest grades the earliest attempt is the grade's, as in
    Moodle. An average is of the exact percents, rounded once.
    """
    scored = sorted(
        ((attempt, ratio) for attempt in attempts if (ratio := _ratio(attempt)) is not None),
        key=lambda pair: pair[0].number,
    )
    if not scored:
        return None
    if method == GradingMethod.AVERAGE:
        mean = sum((ratio for _, ratio in scored), Decimal(0)) / len(scored)
        return GradeFigures(mean.quantize(CENT), None, len(scored))
    if method == GradingMethod.FIRST:
        chosen = scored[0]
    elif method == GradingMethod.LAST:
        chosen = scored[-1]
    else:
        chosen = max(scored, key=lambda pair: pair[1])  # max keeps the first of equals
    return GradeFigures(chosen[1].quantize(CENT), chosen[0].pk, len(scored))


def _grade_row(
    quiz: Quiz, course_id: int, user_id: int, figures: GradeFigures | None
) -> QuizGrade | None:
    if figures is None:
        return None
    return QuizGrade(
        quiz=quiz,
        course_id=course_id,
        user_id=user_id,
        percent=figures.percent,
        attempt_count=figures.attempt_count,
        attempt_id=figures.attempt_id,
        passed=quiz.passes(figures.percent),
        updated_at=clock.now(),
    )


def _store_and_announce(grade: QuizGrade, attempt: Attempt, reason: str) -> QuizGrade:
    """Store one learner's grade and send `quiz_grade_changed` in the caller's transaction."""
    _store([grade])
    quiz_grade_changed.send(sender=QuizGrade, quiz_grade=grade, attempt=attempt, reason=reason)
    return grade


def _store(grades: list[QuizGrade]) -> None:
    """Insert or update the rows in one statement (INSERT … ON CONFLICT on SQLite and
    PostgreSQL alike), their primary keys set."""
    insert_new(grades, unique_fields=["quiz", "course", "user"], update_fields=GRADE_FIELDS)


def _lock_grades(quiz: Quiz, learners: Q) -> None:
    """Lock the stored grades of these learners on the quiz until the transaction ends."""
    list(QuizGrade.objects.select_for_update().filter(learners, quiz=quiz).values_list("pk"))


def _submitted(quiz: Quiz, learners: Q) -> list[Attempt]:
    return list(
        Attempt.objects.filter(learners, quiz=quiz, state=AttemptState.SUBMITTED).only(
            "pk", "quiz_id", "course_id", "user_id", "number", "state", "score", "max_score"
        )
    )


def refresh_quiz_grade(*, attempt: Attempt, reason: str) -> QuizGrade | None:
    """Compute and store the grade of the attempt's learner on its quiz in its course from all
    their submitted attempts, and send `quiz_grade_changed`; call inside the transaction that
    set the attempt's score. None (and no row) when no submitted attempt has a percent.
    """
    quiz = attempt.quiz
    learner = Q(course_id=attempt.course_id, user_id=attempt.user_id)
    # The stored grade's row first, as a submission locks it: of two changes to one learner's
    # grade at once (a submission, a mark given by hand), the second waits and then reads the
    # attempts as the first left them.
    _lock_grades(quiz, learner)
    figures = grade_figures(quiz.grading_method, _submitted(quiz, learner))
    grade = _grade_row(quiz, attempt.course_id, attempt.user_id, figures)
    if grade is None:
        QuizGrade.objects.filter(learner, quiz=quiz).delete()
        return None
    return _store_and_announce(grade, attempt, reason)


@dataclass(frozen=True)
class StoredGrade:
    """The learner's stored grade as read, its row locked (None: they have none yet)."""

    row: QuizGrade | None


def stored_grade_for_submission(attempt: Attempt) -> Callable[[], StoredGrade | None]:
    """Send the read of what `grade_after_submission` needs of the stored grade, and return
    what fetches it (None when the grading method needs every attempt instead). Sent inside a
    `pipelined` block with the submission's writes, its rows arrive when the block ends: fetch
    after it. Call inside the submission's transaction, after the attempt's row is locked."""
    if attempt.quiz.grading_method == GradingMethod.AVERAGE:
        return lambda: None
    fetch = _locked_grade_sent(attempt.quiz_id, attempt.course_id, attempt.user_id)
    return lambda: StoredGrade(fetch())


def grade_after_submission(
    *, attempt: Attempt, reason: str, stored: StoredGrade | None = None
) -> QuizGrade | None:
    """The learner's quiz grade after `attempt` (the newest, just submitted) was scored: from
    the stored grade, in one locked read (`stored`, when the caller has read it already),
    whatever the number of earlier attempts; the same grade `refresh_quiz_grade` computes
    from them all. An average needs every percent, so it is computed in full. Call inside the
    submission's transaction.

    Attempts are submitted in the order they were started (a learner has one open attempt at
    a quiz, and an overdue one is closed before the next starts), so the new attempt is the
    last; the first stays the first.
    """
    quiz = attempt.quiz
    if quiz.grading_method == GradingMethod.AVERAGE:
        return refresh_quiz_grade(attempt=attempt, reason=reason)
    new = grade_figures(quiz.grading_method, [attempt])
    if new is None:  # no percent (an attempt out of 0): the grade stays as it was
        return None
    if stored is None:
        stored = StoredGrade(_locked_grade(quiz.pk, attempt.course_id, attempt.user_id))
    kept_grade = stored.row
    count = (kept_grade.attempt_count if kept_grade else 0) + 1
    chosen = GradeFigures(new.percent, new.attempt_id, count)
    if kept_grade is not None and quiz.grading_method != GradingMethod.LAST:
        kept = kept_grade.attempt
        kept_ratio = _ratio(kept) if kept is not None else None
        if kept_ratio is None:
            # The stored grade names no scored attempt any more: compute it from them all.
            return refresh_quiz_grade(attempt=attempt, reason=reason)
        # First: the first stays. Highest: of equal highest grades, the earliest.
        if quiz.grading_method == GradingMethod.FIRST or kept_ratio >= _ratio(attempt):
            chosen = GradeFigures(kept_grade.percent, kept.pk, count)
    grade = _grade_row(quiz, attempt.course_id, attempt.user_id, chosen)
    return _store_and_announce(grade, attempt, reason)


def _locked_grade(quiz_id: int, course_id: int, user_id: int) -> QuizGrade | None:
    """The learner's stored grade with the attempt it names, its row locked."""
    return _locked_grade_sent(quiz_id, course_id, user_id)()


def _locked_grade_sent(
    quiz_id: int, course_id: int, user_id: int
) -> Callable[[], QuizGrade | None]:
    """Send the read of `_locked_grade` and return what fetches it (compiled once: every
    submission reads it)."""
    fetch = prepared.instances_sent(
        QuizGrade,
        ("locked-grade",),
        lambda quiz_id, course_id, user_id: (
            QuizGrade.objects.select_for_update(of=("self",))
            .select_related("attempt")
            .filter(quiz_id=quiz_id, course_id=course_id, user_id=user_id)
            .order_by()
        ),
        args=(quiz_id, course_id, user_id),
    )

    def first() -> QuizGrade | None:
        found = fetch()
        return found[0] if found else None

    return first


def refresh_quiz_grades(
    *, quiz: Quiz, reason: str, attempts: Sequence[Attempt] | None = None
) -> list[QuizGrade]:
    """Compute and store the grades of the learners of `attempts` on the quiz (every learner
    with a submitted attempt when None), and send `quiz_grades_changed` once for them all;
    two queries whatever their number. Call inside the transaction that changed the scores.
    """
    if attempts is not None and not attempts:
        return []
    if attempts is None:
        learners = Q()
    else:
        learners = Q(course_id__in={a.course_id for a in attempts}) & Q(
            user_id__in={a.user_id for a in attempts}
        )
    _lock_grades(quiz, learners)
    by_learner: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    for row in _submitted(quiz, learners):
        by_learner[(row.course_id, row.user_id)].append(row)
    wanted = set(by_learner) if attempts is None else {(a.course_id, a.user_id) for a in attempts}
    # The attempt a receiver is told about: the changed one, else the one the grade is.
    changed = {(a.course_id, a.user_id): a for a in attempts or []}
    grades, changes = [], []
    for key in sorted(wanted):
        grade = _grade_row(quiz, *key, grade_figures(quiz.grading_method, by_learner.get(key, [])))
        if grade is None:
            continue
        grades.append(grade)
        rows = {row.pk: row for row in by_learner[key]}
        attempt = changed.get(key) or rows.get(grade.attempt_id)
        attempt = attempt or max(rows.values(), key=lambda row: row.number)
        attempt.quiz = quiz
        changes.append((grade, attempt))
    _store(grades)
    if changes:
        quiz_grades_changed.send(sender=QuizGrade, changes=changes, reason=reason)
    return grades


def quiz_settings_changed(*, quiz: Quiz) -> list[QuizGrade]:
    """Every grade on the quiz again, after its grading method or pass mark changed."""
    return refresh_quiz_grades(quiz=quiz, reason=GradeReason.SETTINGS)
