"""The instructors' API refuses question data of the wrong kind: a 400 whose message names the
field, and nothing stored (no question, no version). Before, the types' validators let such
values through and the save dropped them: a choice's feedback that was not text was saved as
no feedback, an unknown field vanished (tests/qtypes/test_authoring_refusals.py)."""

from __future__ import annotations

import pytest

from quizzes.models import Question, QuestionVersion
from tests.api.test_teach_api import NEW_QUESTION, create, questions_url

pytestmark = pytest.mark.django_db

WRONG = "1995 is right."  # the feedback as it should have been written


def choices(**first_choice_changes) -> dict:
    """NEW_QUESTION's choices with the first one changed."""
    first, *rest = NEW_QUESTION["data"]["choices"]
    return {"choices": [{**first, **first_choice_changes}, *rest]}


# (data, the message that must name the field at fault)
REFUSED = [
    pytest.param(
        choices(feedback=1995),
        "choices[1]: feedback must be text, not a number (quote it).",
        id="feedback-number",
    ),
    pytest.param(
        choices(feedback=[WRONG]),
        "choices[1]: feedback must be text, not a list.",
        id="feedback-list",
    ),
    pytest.param(
        choices(feedback={"en": WRONG}),
        "choices[1]: feedback must be text, not an object.",
        id="feedback-object",
    ),
    pytest.param(
        choices(text="1995 " + "x" * 996),
        "choices[1]: text must be at most 1,000 characters (it has 1,001).",
        id="text-longer-than-the-editor-saves",
    ),
    pytest.param(
        choices(feedback=WRONG + " " * 3 + "x" * 1000),
        "choices[1]: feedback must be at most 1,000 characters (it has 1,017).",
        id="feedback-longer-than-the-editor-saves",
    ),
    pytest.param(
        choices(colour="green"),
        "choices[1]: unknown field 'colour' (a choice has 'correct', 'feedback' and 'text').",
        id="unknown-choice-field",
    ),
    pytest.param(
        {**choices(), "shuffle": False},
        "unknown field 'shuffle': single choice questions take 'choices'.",
        id="unknown-data-field",
    ),
]


def assert_refused(reply, message: str) -> None:
    assert reply.status_code == 400, reply.json()
    error = reply.json()["error"]
    assert (error["code"], error["field"], error["message"]) == ("invalid", "data", message)
    assert error["details"] == {"data": [message]}


@pytest.mark.parametrize(("data", "message"), REFUSED)
def test_creating_a_question_whose_data_has_a_wrong_kind_of_value_is_400_and_stores_nothing(
    teacher, course, data, message
):
    questions, versions = Question.objects.count(), QuestionVersion.objects.count()

    reply = create(teacher, course, data=data)

    assert_refused(reply, message)
    assert (Question.objects.count(), QuestionVersion.objects.count()) == (questions, versions)


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize(("data", "message"), REFUSED)
def test_updating_a_question_with_a_wrong_kind_of_value_is_400_and_saves_no_version(
    teacher, course, method, data, message
):
    created = create(teacher, course)
    assert created.status_code == 201, created.json()
    url = questions_url(course, created.json()["id"])
    body = {**NEW_QUESTION, "data": data} if method == "put" else {"data": data}

    reply = getattr(teacher, method)(url, body, format="json")

    assert_refused(reply, message)
    question = Question.objects.get(pk=created.json()["id"])
    assert question.versions.count() == 1
    assert teacher.get(url).json()["data"] == created.json()["data"]


def test_a_numeric_answer_is_stored_as_sent_not_rounded_through_a_float(teacher, course):
    """The numbers a float cannot hold came back changed (12345678.000000001 was saved as
    12345678.000000002); they read back exactly now, and a PUT of them changes nothing."""
    reply = create(
        teacher,
        course,
        type="numeric",
        data={"answer": "12345678.000000001", "tolerance": 0, "unit": "tenge"},
    )
    assert reply.status_code == 201, reply.json()
    question = Question.objects.get(pk=reply.json()["id"])
    assert question.current_version.payload["answer"] == "12345678.000000001"
    assert reply.json()["data"]["answer"] == "12345678.000000001"
    again = {**NEW_QUESTION, "type": "numeric", "data": reply.json()["data"]}
    put = teacher.put(questions_url(course, question.pk), again, format="json")
    assert put.status_code == 200 and put.json()["version"] == 1
