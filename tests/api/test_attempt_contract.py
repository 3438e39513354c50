"""The attempt contract of the REST API: paths, shapes, status codes and rules."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from rest_framework.test import APIClient

from quizzes import clock
from quizzes.models import Attempt, Question, Quiz, ResponseStep
from tests.factories import (
    CourseFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    key_answer,
    live_response,
    make_question,
    shipped_article,
)
from tests.key_leaks import assert_no_key, one_question_per_type

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def learner_api():
    course, learner = course_with_learner()
    api = APIClient()
    api.force_authenticate(learner)
    return api, course, learner


def start(api, quiz, **body):
    return api.post(f"{API}/quizzes/{quiz.pk}/attempts/", body, format="json")


def test_me_answers_401_to_nobody_and_describes_the_user(learner_api):
    api, course, learner = learner_api
    anonymous = APIClient().get(f"{API}/me/")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "not_authenticated"
    assert anonymous["WWW-Authenticate"] == "Bearer"
    me = api.get(f"{API}/me/").json()
    assert me["username"] == learner.username
    assert me["courses"] == [
        {"id": course.pk, "slug": course.slug, "title": course.title, "role": "learner"}
    ]
    assert me["current_course"]["id"] == course.pk


def test_quizzes_lists_what_the_user_can_take(learner_api):
    api, course, _ = learner_api
    body = api.get(f"{API}/quizzes/").json()
    titles = {q["title"] for q in body["results"]}
    assert body["count"] == 10 and "Final exam" in titles
    final = next(q for q in body["results"] if q["title"] == "Final exam")
    assert (final["question_count"], final["time_limit_minutes"], final["max_attempts"]) == (
        18,
        36,
        2,
    )
    assert final["course"]["id"] == course.pk and final["attempts_used"] == 0


def test_starting_returns_201_with_questions_and_nothing_of_the_key(learner_api):
    api, course, _ = learner_api
    questions = one_question_per_type()
    quiz = fixed_quiz(questions, article=course.article)
    reply = start(api, quiz)
    assert reply.status_code == 201
    body = reply.json()
    assert {"id", "quiz", "state", "deadline", "questions"} <= set(body) and body[
        "state"
    ] == "in_progress"
    shapes = {q["type"]: q for q in body["questions"]}
    assert set(shapes) == {q.qtype for q in questions}
    assert {"id", "text"} == set(shapes["single_choice"]["choices"][0])
    assert {"left", "right"} <= set(shapes["matching"]) and "items" in shapes["ordering"]
    assert "score" not in body and all("review" not in q for q in body["questions"])
    assert_no_key(json.dumps(body), questions)
    again = start(api, quiz)
    assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_every_answer_shape_is_accepted_and_submit_scores_it(learner_api):
    api, course, _ = learner_api
    questions = one_question_per_type()
    quiz = fixed_quiz(questions, article=course.article)
    attempt = start(api, quiz).json()
    for question in questions:
        answer = key_answer(question.current_version)
        reply = api.put(
            f"{API}/attempts/{attempt['id']}/answers/{question.pk}/",
            {"answer": answer},
            format="json",
        )
        assert reply.status_code == 200, reply.json()
        assert reply.json()["state"] == "answered"
    result = api.post(f"{API}/attempts/{attempt['id']}/submit/")
    assert result.status_code == 200
    assert result.json() == {
        "id": attempt["id"],
        "state": "submitted",
        "score": "7.00",
        "max_score": "7.00",
        "percent": "100.00",
        "passed": True,
    }
    steps = ResponseStep.objects.filter(response__attempt_id=attempt["id"]).count()
    assert api.post(f"{API}/attempts/{attempt['id']}/submit/").json() == result.json()
    assert ResponseStep.objects.filter(response__attempt_id=attempt["id"]).count() == steps
    review = api.get(f"{API}/attempts/{attempt['id']}/").json()
    assert review["passed"] is True and review["review_available"] is True
    assert all(q["review"]["correct"] for q in review["questions"])


@pytest.mark.parametrize(
    "answer",
    [
        {"choice": "nope"},
        {"choices": "x"},
        {"value": "maybe"},
        {"text": 5},
        {"order": ["a"]},
        "a string",
        12,
    ],
)
def test_a_malformed_answer_is_400_and_nothing_is_saved(learner_api, answer):
    api, course, _ = learner_api
    questions = one_question_per_type()
    attempt = start(api, fixed_quiz(questions, article=course.article)).json()
    for question in questions:
        reply = api.put(
            f"{API}/attempts/{attempt['id']}/answers/{question.pk}/",
            {"answer": answer},
            format="json",
        )
        assert reply.status_code == 400, (question.qtype, answer, reply.json())
        assert (
            reply.json()["error"]["code"] == "invalid_answer" and reply.json()["error"]["message"]
        )
    assert not ResponseStep.objects.filter(response__attempt_id=attempt["id"]).exists()


def test_a_numeric_answer_with_a_decimal_comma_is_400_saying_so_and_nothing_is_saved(learner_api):
    api, course, _ = learner_api
    numeric = next(q for q in one_question_per_type() if q.qtype == "numeric")
    attempt = start(api, fixed_quiz([numeric], article=course.article)).json()
    reply = api.put(
        f"{API}/attempts/{attempt['id']}/answers/{numeric.pk}/",
        {"answer": {"value": "1,5"}},
        format="json",
    )
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "invalid_answer"
    assert reply.json()["error"]["message"].endswith("Write decimals with a point: 1.5, not 1,5.")
    assert not ResponseStep.objects.filter(response__attempt_id=attempt["id"]).exists()


def test_unknown_questions_missing_answers_and_closed_attempts_are_refused(
    learner_api, monkeypatch
):
    api, course, _ = learner_api
    question = Question.objects.get(key="introduction-01")
    attempt = start(
        api, fixed_quiz([question], article=course.article, time_limit_minutes=5)
    ).json()
    url = f"{API}/attempts/{attempt['id']}/answers/"
    other = Question.objects.get(key="introduction-02")
    assert (
        api.put(f"{url}{other.pk}/", {"answer": {"choice": "x"}}, format="json").status_code == 400
    )
    missing = api.put(f"{url}{question.pk}/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "answer"
    later = Attempt.objects.get(pk=attempt["id"]).deadline + timedelta(seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    overdue = api.put(
        f"{url}{question.pk}/", {"answer": key_answer(question.current_version)}, format="json"
    )
    assert overdue.status_code == 409 and overdue.json()["error"]["code"] == "time_up"
    assert Attempt.objects.get(pk=attempt["id"]).state == "submitted"
    closed = api.put(
        f"{url}{question.pk}/", {"answer": key_answer(question.current_version)}, format="json"
    )
    assert closed.status_code == 409
    assert live_response(Attempt.objects.get(pk=attempt["id"]), question).answer is None


def test_another_learner_gets_404_on_every_attempt_endpoint(learner_api):
    api, course, _ = learner_api
    question = Question.objects.get(key="introduction-01")
    attempt = start(api, fixed_quiz([question], article=course.article)).json()
    intruder = APIClient()
    intruder.force_authenticate(enrol(course))
    base = f"{API}/attempts/{attempt['id']}"
    assert intruder.get(f"{base}/").status_code == 404
    assert (
        intruder.put(f"{base}/answers/{question.pk}/", {"answer": None}, format="json").status_code
        == 404
    )
    assert intruder.post(f"{base}/submit/").status_code == 404
    assert Attempt.objects.get(pk=attempt["id"]).state == "in_progress"


def test_a_quiz_outside_the_users_courses_is_404_and_several_courses_need_a_choice(learner_api):
    api, _course, learner = learner_api
    foreign = fixed_quiz([Question.objects.get(key="introduction-01")], course=CourseFactory())
    assert start(api, foreign).status_code == 404
    second = CourseFactory(article=shipped_article())
    enrol(second, learner)
    final = Quiz.objects.get(key="final-exam")
    ambiguous = start(api, final)
    assert ambiguous.status_code == 400 and ambiguous.json()["error"]["field"] == "course"
    assert start(api, final, course=second.pk).json()["course"] == second.pk


def test_session_writes_need_csrf():
    _course, learner = course_with_learner()
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(learner)
    reply = start(api, Quiz.objects.get(key="final-exam"))
    assert reply.status_code == 403 and "CSRF" in reply.json()["error"]["message"]
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("size", [5, 60])
def test_the_attempt_hot_path_stays_within_its_query_budget(size, django_assert_max_num_queries):
    """Issue #12's budget, the session and the user included (a browser session, not a
    forced user): start 10, answer 5 (one INSERT), attempt 6, submit 12."""
    course, learner = course_with_learner()
    api = APIClient()
    api.force_login(learner)
    questions = list(Question.objects.published().order_by("key")[:size])
    quiz = fixed_quiz(questions, article=course.article, time_limit_minutes=60)
    with django_assert_max_num_queries(10):
        attempt = start(api, quiz)
    assert attempt.status_code == 201
    attempt_id = attempt.json()["id"]
    with django_assert_max_num_queries(6):
        assert api.get(f"{API}/attempts/{attempt_id}/").status_code == 200
    for question in questions[:3]:
        with django_assert_max_num_queries(5) as captured:
            reply = put_answer(
                api, attempt_id, question.pk, {"answer": key_answer(question.current_version)}
            )
        assert reply.status_code == 200
        writes = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SELECT")]
        assert len(writes) == 1 and writes[0].startswith('INSERT INTO "quizzes_responsestep"')
    with django_assert_max_num_queries(12):
        assert api.post(f"{API}/attempts/{attempt_id}/submit/").json()["score"] == "3.00"
    with django_assert_max_num_queries(8):
        assert api.get(f"{API}/quizzes/").status_code == 200


def test_lists_filter_order_and_reject_bad_parameters(learner_api):
    api, course, _ = learner_api
    practice = api.get(f"{API}/quizzes/", {"mode": "practice", "ordering": "-title"}).json()[
        "results"
    ]
    assert len(practice) == 9 and [q["title"] for q in practice] == sorted(
        (q["title"] for q in practice), reverse=True
    )
    assert api.get(f"{API}/quizzes/", {"mode": "exam"}).json()["error"]["field"] == "mode"
    question = Question.objects.get(key="introduction-01")
    first = start(api, fixed_quiz([question], article=course.article)).json()
    api.post(f"{API}/attempts/{first['id']}/submit/")
    start(api, Quiz.objects.get(key="final-exam"))
    submitted = api.get(f"{API}/attempts/", {"state": "submitted"}).json()
    assert [a["id"] for a in submitted["results"]] == [first["id"]]
    assert (
        api.get(f"{API}/attempts/", {"ordering": "started_at"}).json()["results"][0]["id"]
        == first["id"]
    )
    assert api.get(f"{API}/attempts/", {"ordering": "sideways"}).status_code == 400


def cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kzstudy_cache")
        return cursor.fetchone()[0]


def test_a_learners_attempt_writes_are_limited_without_a_cache_write(learner_api, settings):
    settings.ATTEMPT_WRITE_RATE = "2/minute"
    api, course, _ = learner_api
    questions = [make_question() for _ in range(3)]
    quiz = fixed_quiz(questions, article=course.article, mode="practice")
    attempt = start(api, quiz).json()
    for question in questions[:2]:
        reply = put_answer(api, attempt["id"], question.pk, {"flagged": True})
        assert reply.status_code == 200
    throttled = put_answer(api, attempt["id"], questions[2].pk, {"flagged": True})
    assert throttled.status_code == 429 and throttled.json()["error"]["code"] == "throttled"
    assert throttled["Retry-After"] == "60"
    assert not saved(api, attempt["id"], questions[2].pk)["flagged"]
    # Starts count too: two in a minute, then 429 (the open attempt itself is still shown).
    api.post(f"{API}/attempts/{attempt['id']}/submit/")
    assert start(api, quiz).status_code == 201
    api.post(f"{API}/attempts/{Attempt.objects.latest('pk').pk}/submit/")
    refused = start(api, quiz)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert cache_rows() == 0


def put_answer(api, attempt_id, question_id, body):
    return api.put(f"{API}/attempts/{attempt_id}/answers/{question_id}/", body, format="json")


def saved(api, attempt_id, question_id) -> dict:
    """The question as GET /attempts/{id}/ shows it now."""
    questions = api.get(f"{API}/attempts/{attempt_id}/").json()["questions"]
    return next(q for q in questions if q["id"] == question_id)


@pytest.fixture
def answered(learner_api):
    """An open attempt at one question of each type, each answered with its key."""
    api, course, _ = learner_api
    questions = one_question_per_type()
    attempt = start(api, fixed_quiz(questions, article=course.article)).json()
    for question in questions:
        answer = key_answer(question.current_version)
        assert put_answer(api, attempt["id"], question.pk, {"answer": answer}).status_code == 200
    return api, attempt["id"], {q.qtype: q for q in questions}


def test_answer_null_clears_the_answer_and_keeps_the_flag(answered):
    api, attempt_id, questions = answered
    question = questions["single_choice"]
    reply = put_answer(api, attempt_id, question.pk, {"answer": None, "flagged": True})
    assert reply.status_code == 200
    assert (reply.json()["answer"], reply.json()["state"], reply.json()["flagged"]) == (
        None,
        "unanswered",
        True,
    )
    shown = saved(api, attempt_id, question.pk)
    assert shown["answer"] is None and shown["flagged"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"answer": {"x": None}},
        {"answer": {"unknown": None}},
        {"answer": {"choice": None, "typo": 1}},
        {"answer": None, "flaged": True},
        {"anwser": None},
        {},
    ],
)
def test_unknown_fields_are_400_and_never_wipe_a_saved_answer(answered, body):
    api, attempt_id, questions = answered
    question = questions["single_choice"]
    steps = ResponseStep.objects.filter(response__attempt_id=attempt_id).count()
    reply = put_answer(api, attempt_id, question.pk, body)
    assert reply.status_code == 400, reply.json()
    assert saved(api, attempt_id, question.pk)["answer"] == key_answer(question.current_version)
    assert ResponseStep.objects.filter(response__attempt_id=attempt_id).count() == steps


@pytest.mark.parametrize(
    ("qtype", "blank"),
    [
        ("short_answer", lambda version: {"text": "   "}),
        ("multiple_response", lambda version: {"choices": []}),
        ("matching", lambda version: {"pairs": {version.payload["lefts"][0]["key"]: ""}}),
    ],
    ids=["spaces", "no-choices", "empty-pair"],
)
def test_blank_answers_count_as_not_answered(answered, qtype, blank):
    api, attempt_id, questions = answered
    question = questions[qtype]
    reply = put_answer(api, attempt_id, question.pk, {"answer": blank(question.current_version)})
    assert reply.status_code == 200
    assert (reply.json()["answer"], reply.json()["state"]) == (None, "unanswered")
    assert saved(api, attempt_id, question.pk)["answer"] is None


def test_a_flag_alone_keeps_the_saved_answer(answered):
    api, attempt_id, questions = answered
    question = questions["ordering"]
    reply = put_answer(api, attempt_id, question.pk, {"flagged": True})
    assert reply.status_code == 200 and reply.json()["state"] == "answered"
    shown = saved(api, attempt_id, question.pk)
    assert shown["flagged"] is True
    assert shown["answer"] == key_answer(question.current_version)


def test_flagging_after_a_correct_practice_check_is_allowed(learner_api):
    api, course, _ = learner_api
    question = make_question()
    attempt = start(api, fixed_quiz([question], article=course.article, mode="practice")).json()
    answer = key_answer(question.current_version)
    check = api.post(
        f"{API}/attempts/{attempt['id']}/answers/{question.pk}/check/",
        {"answer": answer},
        format="json",
    )
    assert check.status_code == 200 and check.json()["state"] == "correct"
    for body in ({"flagged": True}, {"answer": answer, "flagged": False}):
        reply = put_answer(api, attempt["id"], question.pk, body)
        assert reply.status_code == 200, reply.json()
        assert reply.json()["flagged"] is body["flagged"] and reply.json()["state"] == "correct"
    refused = put_answer(api, attempt["id"], question.pk, {"answer": None})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "already_correct"


def test_only_one_of_two_simultaneous_starts_answers_201(learner_api, monkeypatch):
    """The rival start runs after this one checked for an open attempt and before it wrote
    its own: the database lets the rival win, and this start answers 200 with its attempt."""
    from quizzes.services import attempts as service

    api, course, learner = learner_api
    quiz = fixed_quiz([Question.objects.get(key="introduction-01")], article=course.article)
    pick = service.quiz_pick_questions
    rival = {}

    def pick_while_a_rival_starts(**kwargs):
        if not rival:
            rival["start"] = None  # the rival picks its questions undisturbed
            rival["start"] = service.attempt_start_or_resume(quiz_id=quiz.pk, user=learner)
        return pick(**kwargs)

    monkeypatch.setattr(service, "quiz_pick_questions", pick_while_a_rival_starts)
    reply = start(api, quiz)
    assert rival["start"].created is True
    assert reply.status_code == 200 and reply.json()["id"] == rival["start"].attempt.pk
    assert Attempt.objects.filter(quiz=quiz).count() == 1


@pytest.mark.parametrize("body", ["false", "0", "[]", '""'])
def test_starting_with_a_body_that_is_not_an_object_is_400_and_starts_nothing(learner_api, body):
    api, course, _ = learner_api
    quiz = fixed_quiz([make_question()], article=course.article)
    reply = api.post(f"{API}/quizzes/{quiz.pk}/attempts/", body, content_type="application/json")
    assert reply.status_code == 400
    assert not Attempt.objects.filter(quiz=quiz).exists()
    assert api.post(f"{API}/quizzes/{quiz.pk}/attempts/").status_code == 201  # no body: fine


def test_a_submitted_attempts_document_lists_the_changes_to_its_grade(db):
    """The API tells the learner what the review page tells them: a grade given by hand after
    submission, with its comment (issue #14: learners see a notice on their attempt)."""
    from decimal import Decimal

    from rest_framework.test import APIClient

    from quizzes.services.grading import attempt_override_grade
    from tests.factories import course_with_learner, enrol, fixed_quiz, make_question

    course, learner = course_with_learner()
    quiz = fixed_quiz([make_question()], course=course)
    api = APIClient()
    api.force_authenticate(learner)
    attempt = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {}, format="json").json()
    api.post(f"/api/v1/attempts/{attempt['id']}/submit/")
    assert api.get(f"/api/v1/attempts/{attempt['id']}/").json()["grade_notices"] == []
    attempt_override_grade(
        attempt_id=attempt["id"],
        actor=enrol(course, role="instructor"),
        score=Decimal("1"),
        comment="Counted your working.",
    )
    (notice,) = api.get(f"/api/v1/attempts/{attempt['id']}/").json()["grade_notices"]
    assert notice["kind"] == "override"
    assert (notice["old_score"], notice["new_score"]) == ("0.00", "1.00")
    assert notice["comment"] == "Counted your working."
