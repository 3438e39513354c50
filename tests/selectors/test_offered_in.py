"""Which quizzes a course offers is one rule (`Quiz.objects.offered_in`): its own quizzes and the
shared ones of its article or of no article, never another course's or another article's. The
start's SQL (`start_offer`), the Python check and every list agree with it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from quizzes.models import Quiz
from quizzes.selectors import quiz_list_for_course
from quizzes.selectors.delivery import start_offer
from quizzes.selectors.gradebook import gradebook_quizzes
from quizzes.selectors.quiz_building import quiz_get_for_teaching, quiz_list_for_teaching
from quizzes.selectors.results import quiz_get_for_results
from tests.factories import ArticleFactory, CourseFactory, QuizFactory, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_and_quizzes():
    article, other_article = ArticleFactory(), ArticleFactory()
    course = CourseFactory(article=article)
    quizzes = {
        "own": QuizFactory(course=course),
        "shared for its article": QuizFactory(article=article),
        "shared for every article": QuizFactory(),
        "another course's": QuizFactory(course=CourseFactory(article=article)),
        "another article's": QuizFactory(article=other_article),
    }
    return course, quizzes


OFFERED = {"own", "shared for its article", "shared for every article"}


def test_a_course_offers_its_own_quizzes_and_the_shared_ones_of_its_article(course_and_quizzes):
    course, quizzes = course_and_quizzes
    offered = set(Quiz.objects.offered_in(course))
    assert offered == {quizzes[name] for name in OFFERED}
    assert {name for name, q in quizzes.items() if q.is_offered_in(course)} == OFFERED


def test_starting_a_quiz_finds_it_in_the_course_exactly_where_it_is_offered(course_and_quizzes):
    course, quizzes = course_and_quizzes
    learner = enrol(course)
    for name, quiz in quizzes.items():
        offer = start_offer(user=learner, quiz_id=quiz.pk, since=timezone.now())
        assert (offer.course_id == course.pk) is (name in OFFERED), name


def test_every_list_of_a_courses_quizzes_holds_the_offered_ones(course_and_quizzes):
    course, quizzes = course_and_quizzes
    expected = {quizzes[name] for name in OFFERED}
    assert set(quiz_list_for_course(course=course)) == expected
    assert set(quiz_list_for_teaching(course=course)) == expected
    assert set(gradebook_quizzes(course=course)) == expected
    for name, quiz in quizzes.items():
        found = {
            quiz_get_for_teaching(course=course, quiz_id=quiz.pk),
            quiz_get_for_results(course=course, quiz_id=quiz.pk),
        }
        assert found == ({quiz} if name in OFFERED else {None}), name


def test_a_course_without_an_article_offers_only_its_own_and_the_article_free_quizzes(
    course_and_quizzes,
):
    _, quizzes = course_and_quizzes
    bare = CourseFactory()
    own = QuizFactory(course=bare)
    assert set(Quiz.objects.offered_in(bare)) == {own, quizzes["shared for every article"]}
