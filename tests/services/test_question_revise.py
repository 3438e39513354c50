"""question_create and question_revise: edits make new versions and never change the past."""

from __future__ import annotations

import pytest

from quizzes.errors import QuestionInvalid, QuestionTypeChange
from quizzes.models import Question, QuestionVersion
from quizzes.services.authoring import question_revise
from tests.factories import SINGLE_CHOICE_DATA, make_attempt, make_question

pytestmark = pytest.mark.django_db


def test_revising_creates_the_next_version_and_keeps_the_old_one():
    question = make_question(explanation="First.")
    first = question.current_version
    attempt = make_attempt(questions=[question])
    data = {"choices": [{**c} for c in SINGLE_CHOICE_DATA["choices"]]}
    data["choices"][2]["text"] = "2020"
    second = question_revise(
        question=question, stem="In which year?", data=data, explanation="Second.", actor=None
    )
    question.refresh_from_db()
    assert (second.number, question.current_version) == (2, second)
    first.refresh_from_db()
    assert first.stem == "When?" and first.explanation == "First."
    assert [c["text"] for c in first.payload["choices"]] == ["1995", "2002", "2019"]
    assert attempt.responses.get().question_version == first


def test_an_edit_that_changes_nothing_makes_no_version():
    question = make_question()
    same = question_revise(question=question, stem=" When? ", data=SINGLE_CHOICE_DATA, actor=None)
    assert same == question.current_version
    assert question.versions.count() == 1


def test_a_question_cannot_change_type():
    question = make_question()
    with pytest.raises(QuestionTypeChange):
        question_revise(
            question=question, qtype="true_false", stem="x", data={"answer": True}, actor=None
        )
    assert question.versions.count() == 1


def test_invalid_data_is_rejected_and_nothing_is_saved():
    question = make_question()
    with pytest.raises(QuestionInvalid, match="two wrong"):
        question_revise(
            question=question,
            stem="x",
            data={"choices": [{"text": "a", "correct": True}]},
            actor=None,
        )
    with pytest.raises(QuestionInvalid, match="stem"):
        question_revise(question=question, stem="  ", data=SINGLE_CHOICE_DATA, actor=None)
    assert question.versions.count() == 1


def test_creating_an_invalid_question_saves_nothing():
    before = (Question.objects.count(), QuestionVersion.objects.count())
    with pytest.raises(QuestionInvalid):
        make_question(qtype="numeric", data={"answer": "x", "tolerance": 0})
    with pytest.raises(QuestionInvalid):
        make_question(qtype="essay", data={})
    assert (Question.objects.count(), QuestionVersion.objects.count()) == before
