"""Who may open the quiz builder: a learner gets 403 on every URL, with nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Quiz, QuizSlot
from quizzes.views.teach import quizzes as quiz_views
from tests.factories import CourseFactory, enrol
from tests.quiz_builder_fixtures import post_data, shared_questions

pytestmark = pytest.mark.django_db


def every_url(course, quiz: Quiz) -> list[str]:
    """Every URL the builder defines, filled in for one course and quiz."""
    urls = []
    for pattern in quiz_views.urlpatterns:
        kwargs = {"quiz": quiz.pk} if "<id:quiz>" in str(pattern.pattern) else {}
        urls.append(reverse(f"teach:{pattern.name}", kwargs={"course": course.slug, **kwargs}))
    return urls


def test_the_walk_covers_all_five_builder_urls(course):
    names = {p.name for p in quiz_views.urlpatterns}
    assert names == {"quizzes", "quiz_new", "quiz_edit", "quiz_duplicate", "quiz_preview"}


def test_a_learner_gets_403_on_every_builder_url(client, course, final_exam):
    learner = enrol(course)
    client.force_login(learner)
    quiz = final_exam
    counts = (Quiz.objects.count(), QuizSlot.objects.count(), Attempt.objects.count())
    data = post_data(
        {"title": "Learner's quiz"}, [{"kind": "fixed", "question": shared_questions(1)[0].pk}]
    )
    for url in every_url(course, quiz):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert (Quiz.objects.count(), QuizSlot.objects.count(), Attempt.objects.count()) == counts


def test_an_instructor_of_another_course_gets_403(client, course, final_exam):
    elsewhere = CourseFactory(article=course.article)
    client.force_login(enrol(elsewhere, role="instructor"))
    quiz = final_exam
    for url in every_url(course, quiz):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(client, course, final_exam):
    quiz = final_exam
    for url in every_url(course, quiz):
        reply = client.get(url)
        assert reply.status_code == 302 and "/login/" in reply["Location"], url


def test_an_unknown_course_is_404(teacher_client):
    assert teacher_client.get(reverse("teach:quizzes", args=["no-such-course"])).status_code == 404
