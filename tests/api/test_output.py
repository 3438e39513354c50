"""`render` writes what the serializer's `.data` writes: the serializers stay the one shape."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from rest_framework import serializers

from quizzes import clock
from quizzes.api import serializers as s
from quizzes.api.output import render
from quizzes.models import QuizMode
from quizzes.presenters import attempt_document, attempt_result
from quizzes.selectors import attempt_responses
from quizzes.services.attempts import (
    answer_check,
    answers_save,
    attempt_start,
    attempt_submit,
)
from tests.factories import (
    QUESTION_DATA,
    ArticleFactory,
    SectionFactory,
    course_with_learner,
    fixed_quiz,
    key_answer,
    question_of_each_type,
    wrong_answer,
)

pytestmark = pytest.mark.django_db


class Inner(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("a", "A"), ("b", "B")])
    words = serializers.ListField(child=serializers.CharField())


class EveryKind(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    money = serializers.DecimalField(max_digits=8, decimal_places=2)
    maybe_money = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    at = serializers.DateTimeField()
    yes = serializers.BooleanField(required=False)
    blob = serializers.JSONField(allow_null=True)
    with_default = serializers.CharField(default="fallback")
    inner = Inner(required=False)
    inners = Inner(many=True)
    sourced = serializers.IntegerField(source="other")


FULL = {
    "number": "7",
    "text": 12,
    "money": Decimal("3.14159"),
    "maybe_money": Decimal("1"),
    "at": datetime.datetime(2026, 12, 3, 9, 30, tzinfo=datetime.UTC),
    "yes": 1,
    "blob": {"any": ["json", 1]},
    "with_default": "given",
    "inner": {"code": "b", "words": ["x", 2]},
    "inners": [{"code": "a", "words": []}, {"code": "b", "words": ["y"]}],
    "other": 5,
}


@pytest.mark.parametrize(
    "instance",
    [
        FULL,
        # Keys left out: a default, None where null is allowed, gone where not required.
        {k: v for k, v in FULL.items() if k not in ("maybe_money", "yes", "inner", "with_default")},
        # None written as None, whatever the field.
        {**FULL, "maybe_money": None, "blob": None, "inner": None, "text": None},
        # A float for a decimal, a naive-looking value DRF converts as it always does.
        {**FULL, "money": 2.005, "at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},
    ],
    ids=["full", "missing", "nones", "conversions"],
)
def test_render_writes_every_kind_of_field_as_drf_does(instance):
    assert render(EveryKind, instance) == EveryKind(instance).data


def test_a_missing_required_key_fails_as_in_drf():
    broken = {k: v for k, v in FULL.items() if k != "number"}

    with pytest.raises(KeyError):
        EveryKind(broken).data  # noqa: B018
    with pytest.raises(KeyError):
        render(EveryKind, broken)


def _documents(mode: str):
    """An attempt's API document at each stage: just started, answered (practice: checked),
    submitted with its review."""
    section = SectionFactory(article=ArticleFactory())
    questions = list(question_of_each_type(section).values())
    course, learner = course_with_learner(article=section.article)
    quiz = fixed_quiz(questions, mode=mode, course=course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    yield attempt
    responses = attempt_responses(attempt=attempt)
    answers = {
        r.question_id: (key_answer if n % 2 else wrong_answer)(r.question_version)
        for n, r in enumerate(responses)
    }
    answers_save(
        attempt_id=attempt.pk, user=learner, answers=answers, flags={questions[0].pk: True}
    )
    if mode == QuizMode.PRACTICE:
        answer_check(
            attempt_id=attempt.pk,
            user=learner,
            question_id=questions[0].pk,
            raw=answers[questions[0].pk],
        )
    yield attempt
    yield attempt_submit(attempt_id=attempt.pk, user=learner)


@pytest.mark.parametrize("mode", [QuizMode.GRADED, QuizMode.PRACTICE])
def test_render_writes_the_attempt_document_as_the_serializer_does(mode):
    seen_states = set()
    for attempt in _documents(mode):
        attempt.refresh_from_db()
        document = attempt_document(attempt, attempt_responses(attempt=attempt), clock.now())

        assert render(s.AttemptSerializer, document) == s.AttemptSerializer(document).data
        seen_states.add(attempt.state)
    assert seen_states == {"in_progress", "submitted"}


def test_render_writes_the_result_as_the_serializer_does():
    attempt = list(_documents(QuizMode.GRADED))[-1]
    result = attempt_result(attempt)

    assert render(s.ResultSerializer, result) == s.ResultSerializer(result).data


class ResponseIds(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()


class AttemptWithResponses(serializers.Serializer):
    id = serializers.IntegerField()
    quiz_title = serializers.CharField(source="quiz.title")
    responses = ResponseIds(many=True)


def test_render_reads_model_instances_and_related_managers_as_drf_does():
    attempt = next(_documents(QuizMode.GRADED))  # just started

    rendered = render(AttemptWithResponses, attempt)

    assert rendered == AttemptWithResponses(attempt).data
    assert len(rendered["responses"]) == len(QUESTION_DATA)
