"""Every endpoint of the API against every role, including objects of other users and courses.

Roles: nobody signed in, a learner of the course, a learner of another course, an instructor of
the course, an instructor of another course, and a site admin. Each case runs on a fresh world,
so writes by one role never change what the next one meets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, resolve
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.models import (
    ApiToken,
    Attempt,
    AttemptGradeOverride,
    Concept,
    Question,
    Quiz,
    ResponseStep,
    ReviewCard,
)
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.tokens import token_create
from tests.api.test_teach_api import NEW_QUESTION
from tests.factories import (
    CourseFactory,
    UserFactory,
    enrol,
    fixed_quiz,
    key_answer,
    make_question,
    shipped_article,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"
ROLES = ("anonymous", "learner", "other_learner", "instructor", "other_instructor", "admin")
SECRET_DATA = {
    "choices": [
        {"text": "Kept", "correct": True, "feedback": "SECRET feedback on the key"},
        {"text": "Dropped", "feedback": "SECRET feedback on a distractor"},
        {"text": "Ignored"},
    ]
}


@dataclass
class World:
    """Two courses on the shipped article, their members, and objects of each."""

    course: Any
    other_course: Any
    users: dict[str, Any]
    attempt: Attempt
    question: Question
    own_question: Question
    other_question: Question
    open_quiz: Quiz
    results_quiz: Quiz
    other_quiz: Quiz
    card: ReviewCard
    token: ApiToken
    graded_attempt: Attempt
    other_attempt: Attempt


def build_world() -> World:
    course = CourseFactory(article=shipped_article())
    other = CourseFactory(article=shipped_article())
    users = {
        "learner": enrol(course),
        "other_learner": enrol(other),
        "instructor": enrol(course, role="instructor"),
        "other_instructor": enrol(other, role="instructor"),
        "admin": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    shared = Question.objects.get(key="introduction-01")
    section = shared.section
    # The practice check must answer, not be withheld: no graded quiz here protects `shared`.
    Quiz.objects.filter(key="final-exam").update(exam_protection="open")
    own = make_question(
        section, course=course, data=SECRET_DATA, explanation="SECRET explanation", stem="Own?"
    )
    practice = fixed_quiz([shared, own], course=course, mode="practice")
    attempt = attempt_start(quiz=practice, user=users["learner"], course=course)
    concept = Concept.objects.filter(article=course.article).first()
    # A submitted attempt to grade by hand, on a question of its own (no SECRET in its cards).
    graded = fixed_quiz([make_question(section, course=course)], course=course)
    graded_attempt = attempt_start(quiz=graded, user=users["learner"], course=course)
    other_quiz = fixed_quiz([shared], course=other)
    return World(
        course=course,
        other_course=other,
        users=users,
        attempt=attempt,
        question=shared,
        own_question=own,
        other_question=make_question(section, course=other),
        open_quiz=fixed_quiz([shared], course=course, exam_protection="open"),
        results_quiz=practice,
        other_quiz=other_quiz,
        card=ReviewCard.objects.create(
            user=users["learner"], kind="concept", concept=concept, due=timezone.now()
        ),
        token=token_create(
            user=users["learner"], name="dashboard", scope="write", actor=users["learner"]
        )[0],
        graded_attempt=attempt_submit(attempt_id=graded_attempt.pk, user=users["learner"]),
        other_attempt=attempt_start(quiz=other_quiz, user=users["other_learner"], course=other),
    )


def expect(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


EVERYONE = expect(401, 200, 200, 200, 200, 200)
OWNER_ONLY = expect(401, 200, 404, 404, 404, 404)
MEMBERS = expect(401, 200, 404, 200, 404, 200)
TEACHERS = expect(401, 403, 403, 200, 403, 200)
NOT_IN_THIS_COURSE = expect(401, 403, 403, 404, 403, 404)
ADMINS_ONLY = expect(401, 403, 403, 403, 403, 200)
NOBODY = expect(401, 404, 404, 404, 404, 404)


@dataclass(frozen=True)
class Case:
    """A call: its URL (formatted with the world `w`), who gets what, and the body to send."""

    name: str
    method: str
    url: str
    expected: dict[str, int]
    body: Callable[[World], Any] | None = None
    format: str = "json"


ANSWER = lambda w: {"answer": key_answer(w.question.current_version)}  # noqa: E731
EDIT = lambda w: {"stem": "Changed?"}  # noqa: E731
IMPORT = lambda w: {  # noqa: E731
    "file": SimpleUploadedFile("bank.txt", b"::matrix-import::Imported?{T}\n"),
    "section": "introduction",
}
REPLACE = {**NEW_QUESTION, "stem": "Replaced?"}
ARTICLE = "articles/human-rights-reforms-in-kazakhstan"
ANSWERS = "attempts/{w.attempt.pk}/answers/{w.question.pk}"
COURSE = "courses/{w.course.pk}"
OWN, OTHERS, SHARED = (
    f"{COURSE}/questions/{{w.{name}.pk}}" for name in ("own_question", "other_question", "question")
)
CASES = [
    Case("me", "get", "me/", EVERYONE),
    Case("quizzes", "get", "quizzes/", EVERYONE),
    Case(
        "start a quiz of the course",
        "post",
        "quizzes/{w.open_quiz.pk}/attempts/",
        expect(401, 201, 404, 201, 404, 201),
        lambda w: {},
    ),
    Case("my attempts", "get", "attempts/", EVERYONE),
    Case("another's attempt", "get", "attempts/{w.attempt.pk}/", OWNER_ONLY),
    Case("answer in another's attempt", "put", f"{ANSWERS}/", OWNER_ONLY, ANSWER),
    Case("check in another's attempt", "post", f"{ANSWERS}/check/", OWNER_ONLY, ANSWER),
    Case("submit another's attempt", "post", "attempts/{w.attempt.pk}/submit/", OWNER_ONLY),
    Case("articles", "get", "articles/", EVERYONE),
    Case("article", "get", f"{ARTICLE}/", EVERYONE),
    Case("section", "get", f"{ARTICLE}/sections/introduction/", EVERYONE),
    Case("glossary", "get", f"{ARTICLE}/glossary/", EVERYONE),
    Case("my tokens", "get", "tokens/", EVERYONE),
    Case(
        "create a token",
        "post",
        "tokens/",
        expect(401, 201, 201, 201, 201, 201),
        lambda w: {"name": "x"},
    ),
    Case(
        "revoke another's token",
        "delete",
        "tokens/{w.token.pk}/",
        expect(401, 204, 404, 404, 404, 404),
    ),
    Case("flashcards due", "get", f"{COURSE}/flashcards/due/", MEMBERS),
    Case("flashcards due in an unknown course", "get", "courses/987654/flashcards/due/", NOBODY),
    Case(
        "review another's card",
        "post",
        "flashcards/{w.card.pk}/review/",
        OWNER_ONLY,
        lambda w: {"rating": 3},
    ),
    # Nobody has rated a card yet: a member's undo has nothing to take back.
    Case(
        "undo a rating", "post", f"{COURSE}/flashcards/undo/", expect(401, 409, 404, 409, 404, 409)
    ),
    Case("my flashcard settings", "get", "flashcards/settings/", EVERYONE),
    Case(
        "change my flashcard settings",
        "put",
        "flashcards/settings/",
        EVERYONE,
        lambda w: {"new_cards_per_day": 30},
    ),
    Case("progress", "get", f"{COURSE}/progress/", MEMBERS),
    Case("questions", "get", f"{COURSE}/questions/", TEACHERS),
    Case("questions of an unknown course", "get", "courses/987654/questions/", NOBODY),
    Case(
        "create a question",
        "post",
        f"{COURSE}/questions/",
        expect(401, 403, 403, 201, 403, 201),
        lambda w: NEW_QUESTION,
    ),
    Case(
        "import a question file",
        "post",
        f"{COURSE}/questions/import/",
        TEACHERS,
        IMPORT,
        format="multipart",
    ),
    Case("export the course's bank", "get", f"{COURSE}/questions/export/", TEACHERS),
    Case(
        "export the shared bank",
        "get",
        f"{COURSE}/questions/export/",
        TEACHERS,
        lambda w: {"scope": "shared", "format": "gift"},
    ),
    Case(
        "import into an unknown course",
        "post",
        "courses/987654/questions/import/",
        NOBODY,
        IMPORT,
        format="multipart",
    ),
    Case("a question of the course", "get", f"{OWN}/", TEACHERS),
    Case("a question of another course", "get", f"{OTHERS}/", NOT_IN_THIS_COURSE),
    Case("edit a question of the course", "patch", f"{OWN}/", TEACHERS, EDIT),
    Case("edit a question of another course", "patch", f"{OTHERS}/", NOT_IN_THIS_COURSE, EDIT),
    Case("edit a shared question", "patch", f"{SHARED}/", ADMINS_ONLY, EDIT),
    Case("replace a question of the course", "put", f"{OWN}/", TEACHERS, lambda w: REPLACE),
    Case(
        "replace a question of another course",
        "put",
        f"{OTHERS}/",
        NOT_IN_THIS_COURSE,
        lambda w: REPLACE,
    ),
    Case("versions", "get", f"{OWN}/versions/", TEACHERS),
    Case("versions of another course's question", "get", f"{OTHERS}/versions/", NOT_IN_THIS_COURSE),
    Case("archive a question of the course", "post", f"{OWN}/archive/", TEACHERS),
    Case("archive a question of another course", "post", f"{OTHERS}/archive/", NOT_IN_THIS_COURSE),
    Case("archive a shared question", "post", f"{SHARED}/archive/", ADMINS_ONLY),
    Case("results", "get", f"{COURSE}/quizzes/{{w.results_quiz.pk}}/results/", TEACHERS),
    Case(
        "results of another course's quiz",
        "get",
        f"{COURSE}/quizzes/{{w.other_quiz.pk}}/results/",
        NOT_IN_THIS_COURSE,
    ),
    Case("analysis", "get", f"{COURSE}/quizzes/{{w.results_quiz.pk}}/analysis/", TEACHERS),
    Case(
        "analysis of another course's quiz",
        "get",
        f"{COURSE}/quizzes/{{w.other_quiz.pk}}/analysis/",
        NOT_IN_THIS_COURSE,
    ),
    Case("gradebook", "get", f"{COURSE}/gradebook/", TEACHERS),
    Case(
        "grade an attempt of the course by hand",
        "post",
        f"{COURSE}/attempts/{{w.graded_attempt.pk}}/override/",
        TEACHERS,
        lambda w: {"mark": "0.00", "comment": "Checked by hand"},
    ),
    Case(
        "grade an attempt of another course by hand",
        "post",
        f"{COURSE}/attempts/{{w.other_attempt.pk}}/override/",
        NOT_IN_THIS_COURSE,
        lambda w: {"mark": "0.00"},
    ),
    Case("accommodations", "get", f"{COURSE}/accommodations/", TEACHERS),
    Case(
        "give an accommodation",
        "post",
        f"{COURSE}/accommodations/",
        expect(401, 403, 403, 201, 403, 201),
        lambda w: {"learner": w.users["learner"].pk, "extra_minutes": 15},
    ),
    Case(
        "remove an accommodation that is not the course's",
        "delete",
        f"{COURSE}/accommodations/987654/",
        NOT_IN_THIS_COURSE,
    ),
    # A standalone course has no platform roster: teachers learn that (409), others get no hint.
    Case(
        "roster",
        "get",
        f"{COURSE}/quizzes/{{w.results_quiz.pk}}/roster/",
        expect(401, 403, 403, 409, 403, 409),
    ),
    Case(
        "roster of another course's quiz",
        "get",
        f"{COURSE}/quizzes/{{w.other_quiz.pk}}/roster/",
        NOT_IN_THIS_COURSE,
    ),
]


def client_as(world: World, role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.users[role])
    return client


def url(case: Case, world: World) -> str:
    return f"{API}/{case.url.format(w=world)}"


def call(client: APIClient, case: Case, world: World):
    body = case.body(world) if case.body else None
    return getattr(client, case.method)(url(case, world), body, format=case.format)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_role_gets_the_status_the_matrix_gives(case, role):
    world = build_world()
    reply = call(client_as(world, role), case, world)
    assert reply.status_code == case.expected[role], reply.content[:300]
    if reply.status_code >= 400:
        assert set(reply.json()["error"]) == {"code", "message", "field", "details"}


def test_refused_writes_change_nothing():
    world = build_world()
    versions, questions = world.own_question.versions.count(), Question.objects.count()
    archived = Question.objects.filter(status="archived").count()
    for case in (c for c in CASES if c.method != "get"):
        for role in ROLES:
            if case.expected[role] >= 400:
                call(client_as(world, role), case, world)
    world.attempt.refresh_from_db()
    assert world.attempt.state == "in_progress"
    assert not world.attempt.responses.filter(answer__isnull=False).exists()
    assert Question.objects.count() == questions
    assert not Question.objects.filter(key="matrix-import").exists()
    assert world.own_question.versions.count() == versions
    assert Question.objects.filter(status="archived").count() == archived
    assert ReviewCard.objects.get(pk=world.card.pk).review_count == 0
    assert ApiToken.objects.get(pk=world.token.pk).revoked_at is None
    assert not AttemptGradeOverride.objects.exists()
    assert not ResponseStep.objects.filter(kind__in=["manual_grade", "comment"]).exists()


def test_the_schema_and_its_docs_are_public():
    for path in ("/api/schema/", "/api/docs/"):
        assert APIClient().get(path).status_code == 200


def api_routes() -> set[tuple[str, str]]:
    """(method, route) for every method of every view under /api/v1/."""
    api = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api")
    v1 = next(p for p in api.url_patterns if str(p.pattern) == "v1/")
    return {
        (method, str(pattern.pattern))
        for pattern in v1.url_patterns
        for method in ("get", "post", "put", "patch", "delete")
        if hasattr(pattern.callback.view_class, method)
    }


def test_the_matrix_covers_every_method_of_every_endpoint():
    world = build_world()
    covered = {(c.method, resolve(url(c, world)).route.split("v1/", 1)[1]) for c in CASES}
    assert covered == api_routes()


def test_a_learner_meets_no_key_on_any_endpoint_before_submitting():
    world = build_world()
    client = client_as(world, "learner")
    for case in (c for c in CASES if c.method == "get"):
        text = client.get(url(case, world)).content.decode()
        assert "SECRET" not in text, case.name
        assert not re.search(r'"(correct|accepted|tolerance|match|data|payload)"', text), case.name
