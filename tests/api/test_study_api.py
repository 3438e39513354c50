"""The learner's study API: flashcards due in a course, reviewing them, progress per section."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import clock
from quizzes.models import (
    CardKind,
    Concept,
    ExamProtection,
    Question,
    Quiz,
    ReviewCard,
    ReviewLog,
)
from quizzes.models.study import StudyPreferences
from quizzes.services.study import study_cards_from_attempt
from tests.factories import (
    ArticleFactory,
    CourseFactory,
    enrol,
    fixed_quiz,
    make_attempt,
    shipped_pack_counts,
    wrong_answer,
)
from tests.key_leaks import one_question_per_type
from tests.study_factories import (
    GUARD_QUERIES,
    card_and_history,
    concept_card,
    course_on_shipped_article,
    question_card,
    shipped_article,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def course():
    return course_on_shipped_article()


@pytest.fixture
def learner(course):
    return enrol(course)


@pytest.fixture
def api(learner):
    client = APIClient()
    client.force_authenticate(learner)
    return client


def due_url(course) -> str:
    return f"{API}/courses/{course.pk}/flashcards/due/"


SETTINGS = f"{API}/flashcards/settings/"


def undo_url(course) -> str:
    return f"{API}/courses/{course.pk}/flashcards/undo/"


def review(api, card, body):
    return api.post(f"{API}/flashcards/{card.pk}/review/", body, format="json")


def reading_order():
    return Concept.objects.filter(article=shipped_article()).order_by(
        "section__position", "term", "pk"
    )


def test_the_queue_shows_todays_new_concepts_as_term_and_definition_in_reading_order(api, course):
    body = api.get(due_url(course), {"page_size": 200}).json()
    first = reading_order().select_related("section").first()
    # Every concept of the pack, 20 of them new today (the default daily limit).
    assert (
        Concept.objects.filter(article=shipped_article()).count()
        == shipped_pack_counts()["concepts"]
        > 20
    )
    assert body["count"] == 20
    assert [card["front"] for card in body["results"]] == [c.term for c in reading_order()[:20]]
    card = body["results"][0]
    assert (card["kind"], card["queue"], card["prompts"], card["key"]) == (
        "concept",
        "new",
        [],
        None,
    )
    assert (card["front"], card["back"]) == (first.term, [first.definition])
    assert card["section"] == {
        "position": first.section.position,
        "slug": first.section.slug,
        "heading": first.section.heading,
    }
    assert card["aliases"] == first.aliases and card["explanation"] == ""


def test_reviewing_a_card_schedules_it_later_and_logs_the_rating(api, course, learner):
    api.get(due_url(course))
    card = ReviewCard.objects.filter(user=learner).order_by("pk").first()
    reply = review(api, card, {"rating": 3, "duration_ms": 4200})
    assert reply.status_code == 200
    body = reply.json()
    assert body["id"] == card.pk and body["review_count"] == 1
    card.refresh_from_db()
    assert card.due > timezone.now()
    log = ReviewLog.objects.get(card=card)
    assert (log.rating, log.review_duration_ms) == (3, 4200)
    assert api.get(due_url(course)).json()["count"] == 19


@pytest.mark.parametrize(
    "body",
    [{"rating": 0}, {"rating": 5}, {"rating": "good"}, {"rating": 2.5}, {"rating": True}, {}],
)
def test_a_bad_rating_is_400_and_nothing_changes(api, course, learner, body):
    api.get(due_url(course))
    card = ReviewCard.objects.filter(user=learner).first()
    reply = review(api, card, body)
    assert reply.status_code == 400
    assert reply.json()["error"]["field"] == "rating"
    assert not ReviewLog.objects.exists()
    assert ReviewCard.objects.get(pk=card.pk).review_count == 0


def test_a_review_left_open_over_an_hour_counts_without_its_time_as_on_the_page(
    api, course, learner
):
    api.get(due_url(course))
    card = ReviewCard.objects.filter(user=learner).first()
    reply = review(api, card, {"rating": 3, "duration_ms": 2 * 60 * 60 * 1000})
    assert reply.status_code == 200
    log = ReviewLog.objects.get(card=card)
    assert log.rating == 3 and log.review_duration_ms is None


@pytest.mark.parametrize("duration", [-1, "slow", 1.5])
def test_a_negative_or_non_integer_duration_is_400(api, course, learner, duration):
    api.get(due_url(course))
    card = ReviewCard.objects.filter(user=learner).first()
    reply = review(api, card, {"rating": 3, "duration_ms": duration})
    assert reply.status_code == 400 and reply.json()["error"]["field"] == "duration_ms"
    assert not ReviewLog.objects.exists()


def test_each_cards_intervals_are_what_its_ratings_then_give(api, course, learner, monkeypatch):
    now = timezone.now()
    monkeypatch.setattr(clock, "now", lambda: now)
    card = api.get(due_url(course)).json()["results"][0]
    intervals = {i["rating"]: i for i in card["intervals"]}
    assert [intervals[r]["name"] for r in (1, 2, 3, 4)] == ["Again", "Hard", "Good", "Easy"]
    assert (intervals[1]["label"], intervals[1]["spoken"]) == ("1 min", "1 minute")
    assert intervals[3]["label"] == "10 min"
    reply = review(api, ReviewCard.objects.get(pk=card["id"]), {"rating": 4})
    assert reply.json()["due"] == intervals[4]["due"]


def test_undo_takes_back_the_last_rating_then_has_nothing_left(api, course, learner):
    api.get(due_url(course))
    card = ReviewCard.objects.filter(user=learner).order_by("pk").first()
    before = ReviewCard.objects.values().get(pk=card.pk)
    review(api, card, {"rating": 1})
    reply = api.post(undo_url(course))
    assert reply.status_code == 200
    body = reply.json()
    assert body["undone_rating"] == 1
    assert body["card"]["id"] == card.pk and body["card"]["review_count"] == 0
    assert ReviewCard.objects.values().get(pk=card.pk) == before
    assert api.get(due_url(course)).json()["results"][0]["id"] == card.pk
    again = api.post(undo_url(course))
    assert again.status_code == 409 and again.json()["error"]["code"] == "nothing_to_undo"


def test_the_daily_limit_of_new_cards_is_read_and_changed_through_the_api(api, course):
    assert api.get(SETTINGS).json() == {"new_cards_per_day": 20}
    reply = api.put(SETTINGS, {"new_cards_per_day": 5}, format="json")
    assert reply.status_code == 200 and reply.json() == {"new_cards_per_day": 5}
    assert api.get(due_url(course)).json()["count"] == 5
    assert api.get(f"{API}/courses/{course.pk}/progress/").json()["due_count"] == 5


@pytest.mark.parametrize(
    "body",
    [
        {"new_cards_per_day": -1},
        {"new_cards_per_day": 10000},
        {"new_cards_per_day": "many"},
        {"new_cards_per_day": True},
        {},
    ],
)
def test_a_bad_daily_limit_is_400_and_nothing_changes(api, learner, body):
    reply = api.put(SETTINGS, body, format="json")
    assert reply.status_code == 400 and reply.json()["error"]["field"] == "new_cards_per_day"
    assert not StudyPreferences.objects.filter(user=learner).exists()


@pytest.mark.usefixtures("final_exam_unprotected")
def test_a_matching_card_offers_both_sides_and_its_key_as_pairs(api, course, learner):
    question = Question.objects.published().filter(qtype="matching").order_by("key").first()
    version = question.current_version
    question_card(learner, question, due=timezone.now() - timedelta(days=1))
    card = next(c for c in api.get(due_url(course)).json()["results"] if c["kind"] == "question")
    lefts, rights = card["prompts"]
    assert lefts["items"] == [left["text"] for left in version.payload["lefts"]]
    assert sorted(rights["items"]) == sorted(right["text"] for right in version.payload["rights"])
    assert card["key"] == {
        "label": "Right pairs",
        "items": version.type.correct_texts(version.payload),
        "is_ordered": False,
    }


def test_another_learners_card_and_an_unknown_card_are_404(api, course):
    other = enrol(course)
    card = concept_card(other, reading_order().first(), due=timezone.now())
    reply = review(api, card, {"rating": 3})
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "not_found"
    assert api.post(f"{API}/flashcards/987654/review/", {"rating": 3}).status_code == 404
    assert not ReviewLog.objects.exists()


def test_a_card_the_exam_protects_cannot_be_rated_by_id(api, learner):
    # The Final exam keeps its exam-tagged questions to itself; the queue leaves their cards
    # out, and a rating by the card's id is refused the same way.
    question = Question.objects.filter(tags__name="exam").order_by("key").first()
    card = question_card(learner, question, due=timezone.now() - timedelta(days=1))
    before = card_and_history(card)
    reply = review(api, card, {"rating": 3})
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "not_found"
    assert card_and_history(card) == before


def test_a_rating_made_before_the_exam_protected_its_card_cannot_be_undone(api, course, learner):
    question = Question.objects.filter(tags__name="exam").order_by("key").first()
    card = question_card(learner, question, due=timezone.now() - timedelta(days=1))
    final = Quiz.objects.get(key="final-exam")
    protection = final.exam_protection
    Quiz.objects.filter(pk=final.pk).update(exam_protection=ExamProtection.OPEN)
    assert review(api, card, {"rating": 3}).status_code == 200
    Quiz.objects.filter(pk=final.pk).update(exam_protection=protection)
    rated = card_and_history(card)
    reply = api.post(undo_url(course))
    assert reply.status_code == 409 and reply.json()["error"]["code"] == "nothing_to_undo"
    assert card_and_history(card) == rated


def test_non_members_and_unknown_courses_are_404_and_get_no_cards(course):
    outsider = APIClient()
    outsider.force_authenticate(enrol(CourseFactory(article=shipped_article())))
    assert outsider.get(due_url(course)).status_code == 404
    assert outsider.get(f"{API}/courses/{course.pk}/progress/").status_code == 404
    assert outsider.get(f"{API}/courses/987654/progress/").status_code == 404
    assert not ReviewCard.objects.exists()


def test_before_any_review_no_question_card_and_no_key_is_in_the_queue(api, course, learner):
    questions = one_question_per_type()
    quiz = fixed_quiz(questions, article=course.article)
    make_attempt(quiz=quiz, user=learner, course=course, questions=questions)
    body = api.get(due_url(course), {"page_size": 200}).json()
    assert {card["kind"] for card in body["results"]} == {"concept"}
    text = json.dumps(body)
    for marker in ('"correct"', '"accepted"', '"tolerance"', '"match"', '"payload"', '"data"'):
        assert marker not in text
    assert not any(q.current_version.stem in text for q in questions)


@pytest.mark.usefixtures("final_exam_unprotected")
def test_after_a_reviewed_attempt_a_question_card_shows_the_stem_and_right_answers(
    api, course, learner
):
    question = Question.objects.get(key="introduction-01")
    ReviewCard.objects.filter(user=learner).delete()
    attempt = make_attempt(
        quiz=fixed_quiz([question], article=course.article, exam_protection="open"),
        user=learner,
        course=course,
        questions=[question],
    )
    attempt.responses.update(answer=wrong_answer(question.current_version), state="wrong")
    attempt.state, attempt.submitted_at, attempt.score = "submitted", timezone.now(), 0
    attempt.save()
    assert study_cards_from_attempt(attempt=attempt) == 1
    # Concept cards would come first: put them off, so the question card is first in line.
    api.get(due_url(course))
    ReviewCard.objects.filter(kind=CardKind.CONCEPT).update(due=timezone.now() + timedelta(days=1))
    card = api.get(due_url(course)).json()["results"][0]
    version = question.current_version
    assert card["kind"] == "question" and card["front"] == version.stem
    assert card["back"] == version.type.correct_texts(version.payload)
    assert card["explanation"] == version.explanation


def test_progress_lists_every_section_in_reading_order_and_what_to_study_next(api, course, learner):
    body = api.get(f"{API}/courses/{course.pk}/progress/").json()
    sections = shipped_article().sections.order_by("position")
    assert [row["section"]["slug"] for row in body["sections"]] == [s.slug for s in sections]
    assert body["study_next"]["slug"] == sections[0].slug
    first = body["sections"][0]
    assert (first["mastery"], first["cards_known"], first["quiz_accuracy"]) == (0, 0, None)
    assert first["cards_total"] == sections[0].concepts.count()
    # Knowing every concept of the first section moves "study next" on to the second.
    for concept in sections[0].concepts.all():
        concept_card(learner, concept, due=timezone.now() + timedelta(days=3), reviews=1)
    again = api.get(f"{API}/courses/{course.pk}/progress/").json()
    assert again["sections"][0]["mastery"] == 100
    assert again["study_next"]["slug"] == sections[1].slug


def test_a_course_without_an_article_has_no_cards_and_no_progress():
    course = CourseFactory()
    client = APIClient()
    client.force_authenticate(enrol(course))
    assert client.get(due_url(course)).json()["count"] == 0
    assert client.get(f"{API}/courses/{course.pk}/progress/").json() == {
        "sections": [],
        "study_next": None,
        "due_count": 0,
    }


@pytest.mark.parametrize("cards", [1, 53])
def test_study_reads_take_a_fixed_number_of_queries(
    api, course, learner, cards, django_assert_max_num_queries
):
    now = timezone.now()
    for n, concept in enumerate(reading_order()):
        concept_card(learner, concept, due=now if n < cards else now + timedelta(days=2))
    # GUARD_QUERIES: the exam guard (the shipped Final exam protects every shipped question).
    with django_assert_max_num_queries(10 + GUARD_QUERIES):
        reply = api.get(due_url(course), {"page_size": 200})
    assert reply.json()["count"] == min(cards, 20)  # new cards: 20 a day
    with django_assert_max_num_queries(10 + GUARD_QUERIES):
        assert api.get(f"{API}/courses/{course.pk}/progress/").status_code == 200


# A review: the write throttle's cache (five: read, then in a savepoint check and write), the
# card read with the rule of who may study it (`permissions.cards_as_member`) in one SELECT,
# its UPDATE, the log's INSERT, and the savepoint around them.
REVIEW_QUERIES = 10


@pytest.mark.parametrize("other_courses", [0, 3])
def test_a_review_takes_a_fixed_number_of_queries_however_many_courses(
    api, course, learner, other_courses, django_assert_max_num_queries
):
    for _ in range(other_courses):
        enrol(CourseFactory(article=shipped_article()), learner)
    card = concept_card(learner, reading_order().first(), due=timezone.now())
    with django_assert_max_num_queries(REVIEW_QUERIES) as captured:
        assert review(api, card, {"rating": 3}).status_code == 200
    card_reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "quizzes_reviewcard"' in q["sql"]
    ]
    assert len(card_reads) == 1  # the rule is a condition of the card's read, not a query


def test_a_refused_review_takes_no_more_queries_and_writes_nothing(django_assert_max_num_queries):
    outsider = enrol(CourseFactory(article=ArticleFactory()))
    card = concept_card(outsider, reading_order().first(), due=timezone.now())
    api = APIClient()
    api.force_authenticate(outsider)
    with django_assert_max_num_queries(REVIEW_QUERIES):
        assert review(api, card, {"rating": 3}).status_code == 404
    assert ReviewCard.objects.get(pk=card.pk).review_count == 0
    assert not ReviewLog.objects.exists()


def test_reviews_past_the_write_limit_are_429_on_the_page_and_the_api_and_the_queue_is_not(
    api, client, course, learner, settings
):
    """The limit is the service's (one home): the page's rating form is refused as the API is
    (it was the API's throttle alone), and an undone review still counts."""
    settings.ATTEMPT_WRITE_RATE = "1/minute"
    client.force_login(learner)
    api.get(due_url(course))
    first, second, third = ReviewCard.objects.filter(user=learner).order_by("pk")[:3]
    assert review(api, first, {"rating": 3}).status_code == 200
    assert api.post(f"{API}/courses/{course.pk}/flashcards/undo/").status_code == 200
    by_api = review(api, second, {"rating": 3})
    by_page = client.post(
        reverse("quizzes:flashcard_review", args=[course.slug, third.pk]), {"rating": "3"}
    )
    assert by_api.status_code == by_page.status_code == 429
    assert by_api["Retry-After"] == by_page["Retry-After"] == "60"
    assert by_api.json()["error"]["code"] == "throttled"
    assert "Try again in" in by_page.content.decode()
    assert ReviewLog.objects.count() == 1
    assert ReviewCard.objects.filter(user=learner, review_count__gt=0).count() == 0
    assert api.get(due_url(course)).status_code == 200
