"""Fuzz of the answer contract: any JSON as the answer to any question type, through the API.

Each body either saves (the reply and then GET /attempts/{id}/ show the answer as the type
normalises it) or is a 400 that changes nothing; never a 500 (the test client re-raises
server errors, so one fails the test).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from quizzes.qtypes import InvalidResponse, registry
from tests.factories import course_with_learner, fixed_quiz, key_answer, wrong_answer
from tests.key_leaks import one_question_per_type

pytestmark = pytest.mark.django_db
API = "/api/v1"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FIELD = {
    "single_choice": "choice",
    "multiple_response": "choices",
    "true_false": "value",
    "short_answer": "text",
    "numeric": "value",
    "matching": "pairs",
    "ordering": "order",
}
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=10)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JSON = st.recursive(
    LEAVES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=10,
)


@pytest.fixture
def attempt():
    """An open attempt with a question of every type."""
    course, learner = course_with_learner()
    questions = one_question_per_type()
    api = APIClient()
    api.force_authenticate(learner)
    quiz = fixed_quiz(questions, article=course.article)
    body = api.post(f"{API}/quizzes/{quiz.pk}/attempts/", {}, format="json").json()
    return api, body["id"], {q.qtype: q for q in questions}


def keys_of(version) -> list[str]:
    payload = version.payload
    return [e["key"] for f in ("choices", "lefts", "rights", "items") for e in payload.get(f, [])]


def answers_for(version) -> st.SearchStrategy[Any]:
    """Any JSON, and answers aimed at the type: its field with junk or with its own keys."""
    keys = keys_of(version)
    leaves = LEAVES | (st.sampled_from(keys) if keys else st.nothing())
    values = st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.sampled_from(keys) if keys else TEXT, children, max_size=3)
        ),
        max_leaves=8,
    )
    field = FIELD[version.qtype]
    return st.one_of(
        JSON,
        st.fixed_dictionaries({field: values}),
        st.dictionaries(st.just(field) | TEXT, values, max_size=2),
        st.sampled_from([key_answer(version), wrong_answer(version)]),
    )


def shown(api, attempt_id: int, question_id: int) -> dict:
    questions = api.get(f"{API}/attempts/{attempt_id}/").json()["questions"]
    return next(q for q in questions if q["id"] == question_id)


@pytest.mark.parametrize("qtype", list(FIELD))
def test_any_json_answer_saves_normalised_or_is_a_400_that_changes_nothing(attempt, qtype):
    api, attempt_id, questions = attempt
    question = questions[qtype]
    version = question.current_version
    url = f"{API}/attempts/{attempt_id}/answers/{question.pk}/"

    @FUZZ
    @given(raw=answers_for(version), flag=st.none() | st.booleans())
    def put_any(raw: Any, flag: bool | None) -> None:
        before = shown(api, attempt_id, question.pk)
        body = {"answer": raw} if flag is None else {"answer": raw, "flagged": flag}
        reply = api.put(url, body, format="json")
        after = shown(api, attempt_id, question.pk)
        try:
            expected = registry.get(qtype).read_answer(version.payload, raw)
        except InvalidResponse:
            assert reply.status_code == 400, (raw, reply.json())
            assert reply.json()["error"]["code"] in {"invalid_answer", "nul_character"}
            assert (after["answer"], after["flagged"]) == (before["answer"], before["flagged"])
            return
        assert reply.status_code == 200, (raw, reply.json())
        assert reply.json()["answer"] == after["answer"] == expected
        assert after["flagged"] is (before["flagged"] if flag is None else flag)

    put_any()
