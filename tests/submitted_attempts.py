"""Submitted attempts for the tests of the results, gradebook and staff pages and their API: a
hand-checked fixture and bulk rows for query counts."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from quizzes import models
from quizzes.services.attempts import answers_save, attempt_submit
from quizzes.services.quiz_grades import refresh_quiz_grades
from tests.factories import (
    CourseFactory,
    UserFactory,
    enrol,
    fixed_quiz,
    key_answer,
    make_attempt,
    make_question,
    wrong_answer,
)

MULTIPLE_RESPONSE_DATA = {
    "choices": [
        {"text": "Ombudsman", "correct": True},
        {"text": "Constitutional Court", "correct": True},
        {"text": "Senate"},
        {"text": "Mazhilis"},
    ]
}

# Five learners × three questions (one mark each). Fractions the answers below earn:
#            Q1 single  Q2 true/false  Q3 multiple        total  percent
#   ayan     2002  0    False  0       (no answer) 0      0      0.00
#   bota     2019  0    True   1       Ombudsman+Senate 0 1      33.33
#   dana     2002  0    True   1       Mazhilis 0         1      33.33
#   erlan    1995  1    False  0       Ombudsman+Court 1  2      66.67
#   zhanna   1995  1    True   1       Court 0.5          2.5    83.33
HAND_ANSWERS = {
    "ayan": ("2002", False, None),
    "bota": ("2019", True, ["Ombudsman", "Senate"]),
    "dana": ("2002", True, ["Mazhilis"]),
    "erlan": ("1995", False, ["Ombudsman", "Constitutional Court"]),
    "zhanna": ("1995", True, ["Constitutional Court"]),
}


@dataclass
class HandFixture:
    """The hand-checked quiz: its course, instructor, questions and the learners' attempts."""

    course: models.Course
    instructor: object
    quiz: models.Quiz
    questions: list[models.Question]
    attempts: dict[str, models.Attempt]


def _key(question: models.Question, text: str) -> str:
    return next(c["key"] for c in question.current_version.payload["choices"] if c["text"] == text)


def _raw_answers(questions: list[models.Question], picks: tuple) -> dict[int, dict]:
    single, true_false, multiple = picks
    answers = {
        questions[0].pk: {"choice": _key(questions[0], single)},
        questions[1].pk: {"value": true_false},
    }
    if multiple is not None:
        answers[questions[2].pk] = {"choices": [_key(questions[2], t) for t in multiple]}
    return answers


def hand_fixture(*, pass_mark: Decimal = Decimal(60)) -> HandFixture:
    """The five graded attempts of the table above, through the real save and submit services."""
    course = CourseFactory()
    instructor = enrol(course, UserFactory(username=f"teacher-{course.slug}"), role="instructor")
    questions = [
        make_question(stem="When was the constitution adopted?"),
        make_question(
            qtype="true_false", data={"answer": True, "feedback": ""}, stem="Is it a republic?"
        ),
        make_question(
            qtype="multiple_response", data=MULTIPLE_RESPONSE_DATA, stem="Which protect rights?"
        ),
    ]
    quiz = fixed_quiz(questions, title="Rights quiz", pass_mark=pass_mark)
    attempts = {}
    for name, picks in HAND_ANSWERS.items():
        user = enrol(course, UserFactory(username=name, first_name=name.title(), last_name="Test"))
        attempt = make_attempt(quiz=quiz, user=user, course=course, questions=questions)
        answers_save(attempt_id=attempt.pk, user=user, answers=_raw_answers(questions, picks))
        attempts[name] = attempt_submit(attempt_id=attempt.pk, user=user)
    return HandFixture(course, instructor, quiz, questions, attempts)


def bulk_submitted(
    course: models.Course, quiz: models.Quiz, questions: list[models.Question], count: int
) -> list[models.Attempt]:
    """`count` submitted attempts with one response per question, written with bulk_create,
    and their learners' quiz grades (as a submission would store them)."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bulk-{quiz.pk}-{course.pk}-{n}") for n in range(count)
    )
    now = timezone.now()
    fractions = itertools.cycle([Decimal(0), Decimal("0.5"), Decimal(1), Decimal(1)])
    plan = [[next(fractions) for _ in questions] for _ in users]
    attempts = models.Attempt.objects.bulk_create(
        models.Attempt(
            quiz=quiz,
            user=user,
            course=course,
            number=1,
            state=models.AttemptState.SUBMITTED,
            started_at=now - timedelta(minutes=10 + n % 30),
            submitted_at=now,
            score=sum(row, Decimal(0)),
            max_score=Decimal(len(questions)),
        )
        for n, (user, row) in enumerate(zip(users, plan, strict=True))
    )
    models.Response.objects.bulk_create(
        models.Response(
            attempt=attempt,
            position=position,
            question=question,
            question_version=question.current_version,
            max_mark=Decimal(1),
            answer=(key_answer if fraction == 1 else wrong_answer)(question.current_version),
            state="correct" if fraction == 1 else "wrong" if fraction == 0 else "partial",
            fraction=fraction,
            score=fraction,
        )
        for attempt, row in zip(attempts, plan, strict=True)
        for position, (question, fraction) in enumerate(zip(questions, row, strict=True), 1)
    )
    refresh_quiz_grades(quiz=quiz, reason=models.GradeReason.SUBMIT, attempts=attempts)
    return attempts
