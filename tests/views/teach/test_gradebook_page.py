"""The course gradebook page (issue #14 item 9): learners × quizzes with best and last percent
and attempts, each cell opening the learner's newest attempt; teachers only; fixed queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from tests.factories import (
    CourseFactory,
    UserFactory,
    enrol,
    fixed_quiz,
    key_answer,
    make_question,
    wrong_answer,
)
from tests.submitted_attempts import bulk_submitted

pytestmark = pytest.mark.django_db


def take(quiz, user, course, *, right: bool):
    attempt = attempt_start(quiz=quiz, user=user, course=course)
    response = attempt.responses.select_related("question_version").get()
    answer = (key_answer if right else wrong_answer)(response.question_version)
    answers_save(attempt_id=attempt.pk, user=user, answers={response.question_id: answer})
    return attempt_submit(attempt_id=attempt.pk, user=user)


@pytest.fixture
def book():
    course = CourseFactory()
    quiz = fixed_quiz([make_question()], course=course, title="Dates quiz")
    other_quiz = fixed_quiz([make_question()], course=course, title="Names quiz")
    aliya = enrol(course, UserFactory(username="aliya", first_name="Aliya", last_name="N"))
    enrol(course, UserFactory(username="berik"))
    first = take(quiz, aliya, course, right=True)
    last = take(quiz, aliya, course, right=False)
    return course, quiz, other_quiz, first, last, enrol(course, role="instructor")


def test_each_cell_shows_best_last_and_attempts_and_opens_the_newest_attempt(client, book):
    course, _quiz, _other_quiz, _first, last, teacher = book
    client.force_login(teacher)
    html = client.get(reverse("teach:gradebook", args=[course.slug])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert 'aria-label="aliya, Dates quiz: best 100%"' in html
    assert "100% last 0% · 2 attempts" in text
    assert reverse("teach:attempt", args=[course.slug, last.pk]) in html
    assert "berik" in text and text.count("no attempt") == 3
    assert "Dates quiz" in text and "Names quiz" in text
    assert "2 learners" in text


def test_the_attempt_page_lists_the_learners_other_attempts(client, book):
    course, _quiz, _other, first, last, teacher = book
    client.force_login(teacher)
    html = client.get(reverse("teach:attempt", args=[course.slug, last.pk])).content.decode()
    assert reverse("teach:attempt", args=[course.slug, first.pk]) in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("learner", 403), ("instructor_elsewhere", 403), ("instructor", 200), ("admin", 200)],
)
def test_only_the_courses_teachers_open_the_gradebook(client, book, who, status):
    course, *_rest, teacher = book
    users = {
        "learner": enrol(course),
        "instructor_elsewhere": enrol(CourseFactory(), role="instructor"),
        "instructor": teacher,
        "admin": UserFactory(username="root", is_superuser=True),
    }
    client.force_login(users[who])
    assert client.get(reverse("teach:gradebook", args=[course.slug])).status_code == status


@pytest.mark.parametrize("learners", [3, 120])
def test_the_gradebook_makes_a_fixed_number_of_queries(
    client, learners, django_assert_max_num_queries
):
    course = CourseFactory()
    questions = [make_question()]
    quizzes = [fixed_quiz(questions, course=course) for _ in range(3)]
    for quiz in quizzes:
        for attempt in bulk_submitted(course, quiz, questions, learners):
            enrol(course, attempt.user)
    client.force_login(enrol(course, role="instructor"))
    url = reverse("teach:gradebook", args=[course.slug])
    # Session, user, course, two for teaches(); learners counted and paged, quizzes, the
    # grouped attempts and the last attempts' scores.
    with django_assert_max_num_queries(10):
        reply = client.get(url, {"page": "2" if learners > 50 else "1"})
    assert reply.status_code == 200
