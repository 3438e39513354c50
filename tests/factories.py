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

# Authoring data for one question of each auto-graded type, small and hand-checked.
QUESTION_DATA: dict[str, dict[str, Any]] = {
    "single_choice": SINGLE_CHOICE_DATA,
    "multiple_response": {
        "choices": [
            {"text": "Ombudsman", "correct": True},
            {"text": "Constitutional Court", "correct": True},
            {"text": "Senate"},
            {"text": "Mazhilis"},
        ]
    },
    "true_false": {"answer": True},
    "short_answer": {"accepted": ["Astana"]},
    "numeric": {"answer": 100, "tolerance": 0},
    "matching": {
        "pairs": [
            {"left": "Astana", "right": "capital"},
            {"left": "Almaty", "right": "largest city"},
            {"left": "Shymkent", "right": "south"},
        ]
    },
    # Not in alphabetical order: a sorted list is not the answer by chance.
    "ordering": {"items": ["Drafted", "Passed", "Amended", "Signed"]},
}


def make_question(
    section: models.Section | None = None,
    qtype: str = "single_choice",
    data: dict[str, Any] | None = None,
    stem: str = "When?",
    **kwargs: Any,
) -> models.Question:
    """A published question built through the authoring service, as the site itself (a
    fixture: no one's permission is checked)."""
    return question_create(
        section=section or SectionFactory(),
        qtype=qtype,
        stem=stem,
        data=data or SINGLE_CHOICE_DATA,
        status=models.QuestionStatus.PUBLISHED,
        **{"actor": None, **kwargs},
    )


def question_of_each_type(section: models.Section | None = None) -> dict[str, models.Question]:
    """One published question of each auto-graded type, by type, all in one section (a new one
    on a new article by default)."""
    section = section or SectionFactory()
    return {
        qtype: make_question(section, qtype, data, stem=f"A {qtype} question?")
        for qtype, data in QUESTION_DATA.items()
    }


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


def shipped_article() -> models.Article:
    """The article whose content pack the test database has loaded."""
    return models.Article.objects.get(slug="human-rights-reforms-in-kazakhstan")


def enrol(course: models.Course, user=None, role: str = "learner"):
    """A user enrolled in a course with a role (a new user when none is given)."""
    user = user or UserFactory()
    models.Enrolment.objects.get_or_create(course=course, user=user, defaults={"role": role})
    return user


def course_with_learner(article: models.Article | None = None, **course_fields: Any):
    """A course and a learner enrolled in it. The course studies the shipped article unless
    given another: tests of the domain pass a factory article (tests/test_test_layout.py)."""
    course = CourseFactory(article=article or shipped_article(), **course_fields)
    return course, enrol(course)


def fixed_quiz(questions: list[models.Question], **fields: Any) -> models.Quiz:
    """A quiz of fixed slots, one per question, in order, without shuffling."""
    quiz = QuizFactory(shuffle_questions=False, shuffle_choices=False, **fields)
    for position, question in enumerate(questions, start=1):
        models.QuizSlot.objects.create(
            quiz=quiz, position=position, kind="fixed", question=question
        )
    return quiz


def pool_quiz(sections: list[models.Section], per_section: int = 1, **fields: Any) -> models.Quiz:
    """A quiz of random slots, one per section, each drawing `per_section` of its questions."""
    quiz = QuizFactory(**fields)
    for position, section in enumerate(sections, start=1):
        models.QuizSlot.objects.create(
            quiz=quiz,
            position=position,
            kind="random",
            pool_section=section,
            pool_count=per_section,
        )
    return quiz


def key_answer(version: models.QuestionVersion) -> dict[str, Any]:
    """The fully right answer to a version, in the API's answer shape."""
    payload = version.payload
    if version.qtype == "single_choice":
        return {"choice": next(c["key"] for c in payload["choices"] if c["correct"])}
    if version.qtype == "multiple_response":
        return {"choices": [c["key"] for c in payload["choices"] if c["correct"]]}
    if version.qtype == "true_false":
        return {"value": payload["answer"]}
    if version.qtype == "short_answer":
        return {"text": payload["accepted"][0]}
    if version.qtype == "numeric":
        return {"value": payload["answer"]}
    if version.qtype == "matching":
        return {"pairs": {left["key"]: left["match"] for left in payload["lefts"]}}
    return {"order": [item["key"] for item in payload["items"]]}


def wrong_answer(version: models.QuestionVersion) -> dict[str, Any]:
    """A wrong (zero-mark) answer to a version."""
    payload = version.payload
    if version.qtype == "single_choice":
        return {"choice": next(c["key"] for c in payload["choices"] if not c["correct"])}
    if version.qtype == "multiple_response":
        return {"choices": [c["key"] for c in payload["choices"] if not c["correct"]]}
    if version.qtype == "true_false":
        return {"value": not payload["answer"]}
    if version.qtype == "short_answer":
        return {"text": "certainly not the answer"}
    if version.qtype == "numeric":
        return {"value": "-987654"}
    if version.qtype == "matching":
        keys = [left["match"] for left in payload["lefts"]]
        return {
            "pairs": {
                left["key"]: keys[(n + 1) % len(keys)] for n, left in enumerate(payload["lefts"])
            }
        }
    return {"order": [item["key"] for item in reversed(payload["items"])]}


def live_response(attempt: models.Attempt, question: models.Question) -> models.Response:
    """A response as the learner sees it now: while an attempt is open its answers and flags
    live in its steps (`selectors.attempt_responses`), not on the response row."""
    from quizzes.selectors import attempt_responses

    return next(r for r in attempt_responses(attempt=attempt) if r.question_id == question.pk)


def shipped_pack_counts() -> dict[str, int]:
    """How many questions the shipped content pack holds, in all and per type, and its concepts,
    read from the pack itself: whole-bank tests follow the pack as its authors grow it."""
    from collections import Counter

    from quizzes.content_pack import available_packs, read_pack

    pack, errors = read_pack(available_packs()[0])
    assert not errors, errors
    by_type = Counter(q.qtype for q in pack.questions)
    return {"all": len(pack.questions), "concepts": len(pack.concepts), **by_type}
