"""factory_boy factories and small builders for tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from quizzes import models
from quizzes.services.authoring import question_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article

    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"Article {n}")
    author = "A. Author"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Section

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"section-{n}")
    heading = factory.Sequence(lambda n: f"Section {n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Quiz

    title = factory.Sequence(lambda n: f"Quiz {n}")


SINGLE_CHOICE_DATA = {
    "choices": [
        {"text": "1995", "correct": True, "feedback": "Yes."},
        {"text": "2002", "feedback": "That is when the penitentiary moved."},
        {"text": "2019"},
    ]
}


def make_question(
    section: models.Section | None = None,
    qtype: str = "single_choice",
    data: dict[str, Any] | None = None,
    stem: str = "When?",
    **kwargs: Any,
) -> models.Question:
    """A published question built through the authoring service."""
    return question_create(
        section=section or SectionFactory(),
        qtype=qtype,
        stem=stem,
        data=data or SINGLE_CHOICE_DATA,
        status=models.QuestionStatus.PUBLISHED,
        **kwargs,
    )


def make_attempt(
    quiz: models.Quiz | None = None,
    user=None,
    course: models.Course | None = None,
    questions: list[models.Question] = (),
    **kwargs: Any,
) -> models.Attempt:
    """An in-progress attempt with one response per question (no services yet: raw rows)."""
    now = timezone.now()
    attempt = models.Attempt.objects.create(
        quiz=quiz or QuizFactory(),
        user=user or UserFactory(),
        course=course or CourseFactory(),
        number=kwargs.pop("number", 1),
        started_at=now,
        deadline=kwargs.pop("deadline", now + timedelta(minutes=30)),
        max_score=Decimal(len(questions) or 1),
        **kwargs,
    )
    for position, question in enumerate(questions, start=1):
        models.Response.objects.create(
            attempt=attempt,
            position=position,
            question=question,
            question_version=question.current_version,
            max_mark=Decimal(1),
        )
    return attempt
