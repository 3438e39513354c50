"""The flashcard pages over HTTP: the due queue, rating cards, and who may see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from quizzes.models import CardKind, Concept, ReviewCard, ReviewLog
from tests.factories import CourseFactory, UserFactory, make_question
from tests.study_factories import (
    GUARD_QUERIES,
    course_on_shipped_article,
    enrolled_learner,
    question_card,
    shipped_article,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return course_on_shipped_article()


@pytest.fixture
def learner(client, course):
    user = enrolled_learner(course)
    client.force_login(user)
    return user


def queue_url(course):
    return reverse("quizzes:flashcards", kwargs={"course": course.slug})


def review_url(course, card):
    return reverse("quizzes:flashcard_review", kwargs={"course": course.slug, "card": card.pk})


def first_concepts():
    """The shipped concepts in the order the queue shows them (reading order, then term)."""
    return Concept.objects.filter(article=shipped_article()).order_by(
        "section__position", "term", "pk"
    )


def test_the_queue_shows_the_first_concept_its_definition_and_the_due_count(
    client, course, learner, django_assert_max_num_queries
):
    concept = first_concepts().select_related("section").first()
    client.get(queue_url(course))  # the first visit creates the learner's cards
    with django_assert_max_num_queries(12 + GUARD_QUERIES):  # the exam guard's own queries
        response = client.get(queue_url(course))
    html = response.content.decode()
    assert response.status_code == 200
    assert "53 cards due" in html
    assert escape(concept.term) in html
    assert "<summary" in html and "Show answer" in html
    assert escape(concept.definition) in html
    assert concept.section.get_absolute_url() in html
    for label in ("Again", "Hard", "Good", "Easy"):
        assert f">{label}</button>" in html
    assert "csrfmiddlewaretoken" in html


def test_rating_good_moves_on_to_the_next_card_and_the_count_drops(client, course, learner):
    first, second = first_concepts()[:2]
    client.get(queue_url(course))
    card = ReviewCard.objects.get(user=learner, concept=first)
    response = client.post(review_url(course, card), {"rating": "3", "shown_at": "0"})
    assert response.status_code == 303
    assert response["Location"] == queue_url(course)
    html = client.get(response["Location"]).content.decode()
    assert "52 cards due" in html
    assert f">{escape(second.term)}</h2>" in html
    assert f">{escape(first.term)}</h2>" not in html
    log = ReviewLog.objects.get(card=card)
    assert log.rating == 3 and log.review_duration_ms is None  # shown_at 0: not plausible


def test_a_bad_rating_is_refused_with_a_message_and_nothing_changes(client, course, learner):
    client.get(queue_url(course))
    card = ReviewCard.objects.filter(user=learner).first()
    for rating in ("5", "0", "x", ""):
        response = client.post(review_url(course, card), {"rating": rating})
        assert response.status_code == 400
        assert (
            '<div class="alert alert-danger" role="alert">'
            "Choose a rating: Again, Hard, Good or Easy.</div>"
        ) in response.content.decode()
    assert not ReviewLog.objects.exists()
    assert "53 cards due" in client.get(queue_url(course)).content.decode()


def test_another_learners_card_is_404(client, course, learner):
    other = enrolled_learner(course)
    concept = first_concepts().first()
    card = ReviewCard.objects.create(
        user=other, kind=CardKind.CONCEPT, concept=concept, due=timezone.now()
    )
    assert client.post(review_url(course, card), {"rating": "3"}).status_code == 404
    assert not ReviewLog.objects.exists()


@pytest.mark.usefixtures("final_exam_unprotected")
def test_a_question_card_shows_the_stem_and_on_its_back_the_right_answer(client, course, learner):
    client.get(queue_url(course))
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() + timedelta(days=1))
    section = shipped_article().sections.get(position=2)
    question = make_question(section, stem="When was it?", explanation="It says so.")
    question_card(learner, question, due=timezone.now())
    html = client.get(queue_url(course)).content.decode()
    assert "1 card due" in html
    assert "When was it?" in html
    assert "<li>1995</li>" in html and "2002" not in html
    assert "It says so." in html
    assert section.get_absolute_url() in html


def test_with_nothing_due_the_page_says_when_the_next_card_is(client, course, learner):
    client.get(queue_url(course))
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() + timedelta(hours=3))
    html = client.get(queue_url(course)).content.decode()
    assert "No cards due" in html
    assert "The next card is due in 2\xa0hours" in html
    assert "<button" not in html.split("<main", 1)[1]


def test_a_course_without_an_article_says_so(client):
    course = CourseFactory()
    client.force_login(enrolled_learner(course))
    html = client.get(queue_url(course)).content.decode()
    assert "This course has no article yet" in html
    assert not ReviewCard.objects.exists()


def test_a_non_member_gets_404(client, course):
    member_card = ReviewCard.objects.create(
        user=enrolled_learner(course),
        kind=CardKind.CONCEPT,
        concept=first_concepts().first(),
        due=timezone.now(),
    )
    client.force_login(UserFactory())
    assert client.get(queue_url(course)).status_code == 404
    assert client.post(review_url(course, member_card), {"rating": "3"}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, course):
    response = client.get(queue_url(course))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_review_url_takes_post_only(client, course, learner):
    client.get(queue_url(course))
    card = ReviewCard.objects.filter(user=learner).first()
    assert client.get(review_url(course, card)).status_code == 405
    assert not ReviewLog.objects.exists()
