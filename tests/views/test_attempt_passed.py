"""An attempt's "passed" is Quiz.passes, the one rule: the review page and the API's attempt
agree, at the pass mark exactly and just under it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.models import AttemptState
from tests.factories import ArticleFactory, QuizFactory, course_with_learner, make_attempt

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("score", "passed"), [("0.50", True), ("0.49", False)])
def test_the_review_page_and_the_api_agree_on_passed_at_the_pass_mark(client, score, passed):
    course, learner = course_with_learner(article=ArticleFactory())
    quiz = QuizFactory(article=course.article, pass_mark=Decimal(50))
    attempt = make_attempt(
        quiz,
        learner,
        course,
        state=AttemptState.SUBMITTED,
        score=Decimal(score),
        submitted_at=timezone.now(),
    )
    client.force_login(learner)
    html = client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    api = APIClient()
    api.force_authenticate(learner)
    body = api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    badge = "Passed</span>" if passed else "Not passed</span>"
    assert badge in html and body["passed"] is passed
