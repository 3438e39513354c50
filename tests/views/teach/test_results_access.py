"""Who may open a quiz's results: the course's instructors and admins, for quizzes it offers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    CourseFactory,
    UserFactory,
    enrol,
    fixed_quiz,
    make_question,
)

pytestmark = pytest.mark.django_db
URL_NAMES = ["results", "results_csv", "analysis", "histogram"]


@pytest.fixture
def setting():
    article = ArticleFactory()
    course = CourseFactory(article=article)
    quiz = fixed_quiz([make_question()], course=course)
    return course, quiz


def urls(course, quiz_id) -> list[str]:
    return [reverse(f"teach:{name}", args=[course.slug, quiz_id]) for name in URL_NAMES]


def test_a_learner_gets_403_on_every_results_url(client, setting):
    course, quiz = setting
    client.force_login(enrol(course))
    for url in urls(course, quiz.pk):
        assert client.get(url).status_code == 403, url


def test_an_instructor_of_another_course_gets_403(client, setting):
    course, quiz = setting
    client.force_login(enrol(CourseFactory(), role="instructor"))
    for url in urls(course, quiz.pk):
        assert client.get(url).status_code == 403, url


def test_an_anonymous_visitor_is_sent_to_log_in(client, setting):
    course, quiz = setting
    for url in urls(course, quiz.pk):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_course_instructor_and_a_site_admin_open_every_url(client, setting):
    course, quiz = setting
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    for user in (enrol(course, role="instructor"), admin):
        client.force_login(user)
        for url in urls(course, quiz.pk):
            assert client.get(url).status_code == 200, url


def test_a_quiz_not_offered_in_the_course_is_404(client, setting):
    course, _ = setting
    client.force_login(enrol(course, role="instructor"))
    other_course_quiz = fixed_quiz([make_question()], course=CourseFactory())
    other_article_quiz = fixed_quiz([make_question()], article=ArticleFactory())
    for quiz_id in (other_course_quiz.pk, other_article_quiz.pk, 999_999):
        for url in urls(course, quiz_id):
            assert client.get(url).status_code == 404, url


def test_shared_and_unpublished_quizzes_of_the_course_have_results(client, setting):
    course, _ = setting
    client.force_login(enrol(course, role="instructor"))
    shared = fixed_quiz([make_question()], article=course.article)
    hidden = fixed_quiz([make_question()], course=course, is_published=False)
    for quiz in (shared, hidden):
        for url in urls(course, quiz.pk):
            assert client.get(url).status_code == 200, url


def test_the_results_urls_only_answer_reads(client, setting):
    course, quiz = setting
    client.force_login(enrol(course, role="instructor"))
    for url in urls(course, quiz.pk):
        assert client.post(url).status_code == 405, url
