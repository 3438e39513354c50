"""The instructors' API: questions with keys, versions, archive, results, analysis, gradebook."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from quizzes.models import Enrolment, GradeReason, Question, QuestionVersion, Quiz
from quizzes.services.quiz_grades import refresh_quiz_grade
from tests.api.helpers import client_for
from tests.factories import (
    CourseFactory,
    UserFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    make_attempt,
    make_question,
    shipped_article,
)
from tests.submitted_attempts import bulk_submitted, hand_fixture

pytestmark = pytest.mark.django_db
API = "/api/v1"
NEW_QUESTION = {
    "type": "single_choice",
    "stem": "In which year was the Constitution adopted?",
    "section": "introduction",
    "difficulty": 1,
    "bloom": "understand",
    "concepts": ["soviet-legacy"],
    "status": "published",
    "explanation": "By referendum in 1995.",
    "data": {
        "choices": [
            {"text": "1995", "correct": True, "feedback": "Yes."},
            {"text": "1991", "correct": False},
            {"text": "2022", "correct": False},
        ]
    },
}


@pytest.fixture
def admin():
    return client_for(UserFactory(username="root", is_superuser=True, is_staff=True))


def questions_url(course, *rest) -> str:
    return "/".join([f"{API}/courses/{course.pk}/questions", *map(str, rest)]) + "/"


def create(client, course, **changes):
    return client.post(questions_url(course), {**NEW_QUESTION, **changes}, format="json")


def test_the_list_holds_the_shared_bank_and_the_courses_own_questions_without_keys(teacher, course):
    own = create(teacher, course).json()
    body = teacher.get(questions_url(course), {"page_size": 200}).json()
    # The shared bank as shipped (the content writers grow it) plus the course's own question.
    assert body["count"] == Question.objects.published().filter(course__isnull=True).count() + 1
    row = next(r for r in body["results"] if r["id"] == own["id"])
    assert row["shared"] is False and row["version"] == 1 and row["section"] == "introduction"
    assert "data" not in row and "explanation" not in row
    assert all(r["shared"] for r in body["results"] if r["id"] != own["id"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"type": "true_false"}, lambda q: q.qtype == "true_false"),
        ({"section": "law-enforcement-abuse"}, lambda q: q.section.slug == "law-enforcement-abuse"),
        ({"status": "draft"}, lambda q: q.status == "draft"),
        ({"owner": "course"}, lambda q: q.course_id is not None),
        ({"q": "police"}, lambda q: "police" in q.current_version.stem.lower()),
    ],
)
def test_the_list_filters_as_the_bank_page(teacher, course, query, expected):
    create(teacher, course, status="draft")
    found = teacher.get(questions_url(course), {**query, "page_size": 200}).json()["results"]
    wanted = [q.pk for q in Question.objects.select_related("section") if expected(q)]
    assert found and sorted(r["id"] for r in found) == sorted(
        pk
        for pk in wanted
        if Question.objects.filter(pk=pk, section__article=course.article).exists()
    )


def test_the_list_orders_by_key_and_an_unknown_section_matches_nothing(teacher, course):
    keys = [
        r["key"] for r in teacher.get(questions_url(course), {"ordering": "-key"}).json()["results"]
    ]
    assert keys == sorted(keys, reverse=True)
    assert teacher.get(questions_url(course), {"section": "nowhere"}).json()["count"] == 0
    bad = teacher.get(questions_url(course), {"type": "essay"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "type"


def test_creating_puts_a_question_with_its_key_into_the_courses_bank(teacher, course):
    reply = create(teacher, course)
    assert reply.status_code == 201
    body = reply.json()
    question = Question.objects.get(pk=body["id"])
    assert question.course == course and question.current_version.number == 1
    assert (question.bloom_level, question.difficulty, question.status) == (
        "understand",
        1,
        "published",
    )
    assert body["concepts"] == ["soviet-legacy"] and body["can_edit"] is True
    assert body["data"]["choices"][0] == {"text": "1995", "correct": True, "feedback": "Yes."}
    assert body["explanation"] == "By referendum in 1995."


def nested(value: object, depth: int) -> object:
    """`value` inside `depth` lists: deep enough to overflow a recursive lookup (a 500)."""
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"data": {"choices": [{"text": "1995", "correct": True}]}}, "data"),
        ({"data": "not an object"}, "data"),
        ({"section": "no-such-section"}, "section"),
        ({"section": "introduction\x00"}, "section"),
        ({"section": ["introduction"]}, "section"),
        ({"concepts": [nested("soviet-legacy", 900)]}, "concepts"),
        ({"section": nested("introduction", 900)}, "section"),
        ({"concepts": ["no-such-concept"]}, "concepts"),
        ({"type": "essay"}, "type"),
        ({"stem": "   "}, "stem"),
        ({"difficulty": 4}, "difficulty"),
        ({"data": {"choices": [{"text": "a\x00", "correct": True}]}}, "data"),
    ],
)
def test_invalid_questions_are_400_naming_the_field_and_nothing_is_saved(
    teacher, course, changes, field
):
    before = Question.objects.count()
    reply = create(teacher, course, **changes)
    assert reply.status_code == 400, reply.json()
    assert reply.json()["error"]["field"] == field
    assert Question.objects.count() == before


def test_a_section_of_another_article_cannot_be_named():
    other = CourseFactory(article=make_question().section.article)
    reply = create(client_for(enrol(other, role="instructor")), other)
    assert reply.status_code == 400 and reply.json()["error"]["field"] == "section"


def test_the_detail_shows_the_key_of_shared_and_own_questions(teacher, course):
    shared = Question.objects.get(key="introduction-01")
    body = teacher.get(questions_url(course, shared.pk)).json()
    version = shared.current_version
    assert body["data"] == version.type.authoring_data(version.payload)
    assert body["shared"] is True and body["can_edit"] is False
    other = make_question(course=CourseFactory(article=shipped_article()))
    assert teacher.get(questions_url(course, other.pk)).status_code == 404


def test_patching_saves_a_new_version_and_keeps_fields_left_out(teacher, course):
    question_id = create(teacher, course).json()["id"]
    url = questions_url(course, question_id)
    reply = teacher.patch(url, {"stem": "When was it adopted?", "difficulty": 3}, format="json")
    assert reply.status_code == 200, reply.json()
    body = reply.json()
    assert (body["version"], body["stem"], body["difficulty"]) == (2, "When was it adopted?", 3)
    assert body["concepts"] == ["soviet-legacy"] and body["status"] == "published"
    assert (
        QuestionVersion.objects.get(question_id=question_id, number=1).stem == NEW_QUESTION["stem"]
    )
    unchanged = teacher.patch(url, {"stem": "When was it adopted?"}, format="json").json()
    assert unchanged["version"] == 2
    versions = teacher.get(questions_url(course, question_id, "versions")).json()
    assert [v["number"] for v in versions["results"]] == [2, 1]
    assert versions["results"][1]["data"]["choices"][0]["correct"] is True


def test_put_replaces_the_whole_question(teacher, course):
    question_id = create(teacher, course).json()["id"]
    url = questions_url(course, question_id)

    partial = teacher.put(url, {"stem": "Only the stem?"}, format="json")

    assert partial.status_code == 400
    assert partial.json()["error"]["field"] in {"type", "section", "data"}
    assert QuestionVersion.objects.filter(question_id=question_id).count() == 1
    whole = {**NEW_QUESTION, "stem": "Replaced?", "concepts": []}
    whole.pop("difficulty", None)
    body = teacher.put(url, whole, format="json").json()
    assert (body["version"], body["stem"], body["concepts"]) == (2, "Replaced?", [])
    assert body["difficulty"] == 2  # left out of a PUT: the default, not the old value


def test_a_bad_edit_is_400_and_saves_no_version(teacher, course):
    question_id = create(teacher, course).json()["id"]
    url = questions_url(course, question_id)
    for body, code in (
        ({"data": {"choices": []}}, "invalid"),
        ({"type": "true_false"}, "version_type_change"),
    ):
        reply = teacher.patch(url, body, format="json")
        assert reply.status_code == 400 and reply.json()["error"]["code"] == code
    assert QuestionVersion.objects.filter(question_id=question_id).count() == 1


def test_shared_questions_are_read_only_for_instructors_but_not_for_site_admins(
    teacher, admin, course
):
    shared = Question.objects.get(key="introduction-01")
    url = questions_url(course, shared.pk)
    assert teacher.patch(url, {"stem": "Changed?"}, format="json").status_code == 403
    assert teacher.post(f"{url}archive/").status_code == 403
    assert shared.versions.count() == 1
    assert admin.patch(url, {"stem": "Changed?"}, format="json").json()["version"] == 2
    assert admin.post(f"{url}archive/").json()["status"] == "archived"


def test_archiving_keeps_the_question_but_no_new_attempt_draws_it(teacher, course):
    question_id = create(teacher, course).json()["id"]
    reply = teacher.post(questions_url(course, question_id, "archive"))
    assert reply.status_code == 200 and reply.json()["status"] == "archived"
    assert not Question.objects.published().filter(pk=question_id).exists()


def test_results_list_the_courses_attempts_filtered_and_sorted_as_the_page():
    hand = hand_fixture()
    client = client_for(hand.instructor)
    url = f"{API}/courses/{hand.course.pk}/quizzes/{hand.quiz.pk}/results/"
    rows = client.get(url, {"sort": "-score"}).json()["results"]
    assert [(r["username"], r["percent"]) for r in rows] == [
        ("zhanna", "83.33"),
        ("erlan", "66.67"),
        ("dana", "33.33"),  # ties: the later attempt first, as on the page
        ("bota", "33.33"),
        ("ayan", "0.00"),
    ]
    assert rows[0]["name"] == "Zhanna Test" and rows[0]["duration_seconds"] is not None
    filtered = client.get(url, {"percent_min": "30", "percent_max": "60", "learner": "a"}).json()
    assert {r["username"] for r in filtered["results"]} == {"bota", "dana"}
    bad = client.get(url, {"percent_min": "70", "percent_max": "30"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "percent_max"
    other = fixed_quiz([make_question()], course=CourseFactory())
    assert (
        client.get(f"{API}/courses/{hand.course.pk}/quizzes/{other.pk}/results/").status_code == 404
    )


def test_analysis_gives_each_questions_facility_and_distractors():
    hand = hand_fixture()
    client = client_for(hand.instructor)
    body = client.get(f"{API}/courses/{hand.course.pk}/quizzes/{hand.quiz.pk}/analysis/").json()
    assert body["quiz"] == {"id": hand.quiz.pk, "title": "Rights quiz"}
    assert body["attempt_count"] == 5 and len(body["items"]) == 3
    first = body["items"][0]
    assert first["question_id"] == hand.questions[0].pk and first["facility"] == pytest.approx(40)
    assert {o["text"]: o["count"] for o in first["options"]} == {"1995": 2, "2002": 2, "2019": 1}


def test_the_gradebook_shows_each_learners_best_percent_and_attempts_per_quiz():
    hand = hand_fixture()
    course = hand.course
    resit = make_attempt(quiz=hand.quiz, user=hand.attempts["ayan"].user, course=course, number=2)
    resit.state, resit.submitted_at, resit.score = "submitted", resit.started_at, Decimal("0.5")
    resit.save()
    refresh_quiz_grade(attempt=resit, reason=GradeReason.SUBMIT)  # as a submission stores it
    extra = fixed_quiz([make_question()], course=course, title="Extra")
    enrol(course, UserFactory(username="newcomer"))
    body = client_for(hand.instructor).get(f"{API}/courses/{course.pk}/gradebook/").json()
    rows = {row["learner"]["username"]: row["quizzes"] for row in body["results"]}
    assert sorted(rows) == ["ayan", "bota", "dana", "erlan", "newcomer", "zhanna"]
    cells = {cell["quiz"]: cell for cell in rows["ayan"]}
    assert cells[hand.quiz.pk] == {
        "quiz": hand.quiz.pk,
        "title": "Rights quiz",
        "best_percent": "50.00",
        "attempt_count": 2,
    }
    assert cells[extra.pk]["best_percent"] is None and cells[extra.pk]["attempt_count"] == 0
    assert {c["quiz"]: c["best_percent"] for c in rows["zhanna"]}[hand.quiz.pk] == "83.33"
    assert all(c["attempt_count"] == 0 for c in rows["newcomer"])


def test_an_in_progress_attempt_counts_but_has_no_best_percent():
    course, learner = course_with_learner()
    quiz = Quiz.objects.get(key="final-exam")
    make_attempt(quiz=quiz, user=learner, course=course)
    client = client_for(enrol(course, role="instructor"))
    row = client.get(f"{API}/courses/{course.pk}/gradebook/").json()["results"][0]
    final = next(c for c in row["quizzes"] if c["quiz"] == quiz.pk)
    assert (final["attempt_count"], final["best_percent"]) == (1, None)


@pytest.mark.parametrize("size", [1, 30])
def test_instructor_lists_take_a_fixed_number_of_queries(size, django_assert_max_num_queries):
    hand = hand_fixture()
    course, quiz = hand.course, hand.quiz
    client = client_for(hand.instructor)
    attempts = bulk_submitted(course, quiz, hand.questions, size)
    Enrolment.objects.bulk_create(Enrolment(course=course, user_id=a.user_id) for a in attempts)
    question = make_question(course=course)
    for n in range(size):
        revise = client.patch(questions_url(course, question.pk), {"stem": f"v{n}"}, format="json")
        assert revise.status_code == 200
        make_question(course=course, section=question.section)
    base = f"{API}/courses/{course.pk}"
    for url, limit in (
        (f"{base}/questions/?page_size=200", 5),
        (f"{base}/questions/{question.pk}/versions/", 5),
        (f"{base}/quizzes/{quiz.pk}/results/", 6),
        (f"{base}/quizzes/{quiz.pk}/analysis/", 14),  # computed and kept: +stamp, cache
        (f"{base}/gradebook/?page_size=200", 7),
    ):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_writes_are_throttled_and_reads_are_not(teacher, course, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"writes": "2/minute"})
    question_id = create(teacher, course).json()["id"]
    url = questions_url(course, question_id)
    assert teacher.patch(url, {"stem": "Again?"}, format="json").status_code == 200
    throttled = teacher.post(f"{url}archive/")
    assert throttled.status_code == 429 and throttled.json()["error"]["code"] == "throttled"
    assert Question.objects.get(pk=question_id).status == "published"
    for _ in range(3):
        assert teacher.get(questions_url(course)).status_code == 200


# 500 levels the parser reads but a recursive walk of `data` could not follow; 2000 the parser
# itself cannot.
@pytest.mark.parametrize(("depth", "code"), [(500, "invalid"), (2000, "parse_error")])
def test_question_data_nested_too_deep_is_400_and_nothing_is_saved(teacher, course, depth, code):
    before = Question.objects.count()
    body = json.dumps({**NEW_QUESTION, "data": {"choices": "DEEP"}})
    body = body.replace('"DEEP"', "[" * depth + "]" * depth)

    reply = teacher.post(questions_url(course), body, content_type="application/json")

    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == code
    assert Question.objects.count() == before
