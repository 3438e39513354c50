"""The flashcard pages over HTTP: the queue, reveal then rate, undo, the daily limit of new
cards, and who may see them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from quizzes.models import CardKind, Concept, Question, ReviewCard, ReviewLog
from quizzes.models.study import StudyPreferences
from tests.factories import CourseFactory, UserFactory, make_question, shipped_pack_counts
from tests.key_leaks import TYPES, one_question_per_type
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


def undo_url(course):
    return reverse("quizzes:flashcard_undo", kwargs={"course": course.slug})


def settings_url(course):
    return reverse("quizzes:flashcard_settings", kwargs={"course": course.slug})


def first_concepts():
    """The shipped concepts in the order the queue shows them (reading order, then term)."""
    return Concept.objects.filter(article=shipped_article()).order_by(
        "section__position", "term", "pk"
    )


def card_back(html: str) -> str:
    """The card's back: its answer and the rating buttons."""
    return html.split('id="card-back"', 1)[1].split("</section>", 1)[0]


def test_the_queue_shows_the_first_concept_with_its_answer_hidden_and_todays_counts(
    client, course, learner, django_assert_max_num_queries
):
    concept = first_concepts().select_related("section").first()
    client.get(queue_url(course))  # the first visit creates the learner's cards
    with django_assert_max_num_queries(12 + GUARD_QUERIES):  # the exam guard's own queries
        response = client.get(queue_url(course))
    html = response.content.decode()
    assert response.status_code == 200
    # 53 new cards, 20 of them today (the default daily limit).
    assert "20 cards due" in html and "20 new · 0 learning · 0 to review" in html
    assert f">{escape(concept.term)}</h2>" in html
    assert concept.section.get_absolute_url() in html
    # The answer and the ratings are on the page but hidden until "Show answer".
    assert '<section id="card-back"' in html and 'tabindex="-1" hidden>' in html
    assert escape(concept.definition) in card_back(html)
    assert 'aria-keyshortcuts="Space">Show answer</button>' in html
    assert "csrfmiddlewaretoken" in html


def test_each_rating_button_shows_the_interval_it_gives(client, course, learner):
    client.get(queue_url(course))
    back = card_back(client.get(queue_url(course)).content.decode())
    # A new card: the 1- and 10-minute learning steps (Hard halfway), Easy in days.
    for name, spoken, label in (
        ("Again", "1 minute", "1 min"),
        ("Hard", "6 minutes", "6 min"),
        ("Good", "10 minutes", "10 min"),
    ):
        assert f'aria-label="{name}, next in {spoken}"' in back
        assert f'>{name}<span class="d-block small" data-interval>{label}</span>' in back
    assert re.search(r'aria-label="Easy, next in \d+ days"', back)


def test_show_reveals_the_answer_of_the_card_shown_only(client, course, learner):
    client.get(queue_url(course))
    card = ReviewCard.objects.filter(user=learner).order_by("pk").first()
    html = client.get(queue_url(course), {"show": card.pk}).content.decode()
    assert (
        '<section id="card-back" class="mt-3 text-break" aria-labelledby="card-back-heading" tabindex="-1">'
        in html
    )
    assert '<form method="get" id="reveal-form" class="mt-3" hidden>' in html
    other = client.get(queue_url(course), {"show": card.pk + 1}).content.decode()
    assert 'tabindex="-1" hidden>' in other


def test_rating_good_moves_on_to_the_next_card_and_the_count_drops(client, course, learner):
    first, second = first_concepts()[:2]
    client.get(queue_url(course))
    card = ReviewCard.objects.get(user=learner, concept=first)
    response = client.post(review_url(course, card), {"rating": "3", "shown_at": "0"})
    assert response.status_code == 303
    assert response["Location"] == queue_url(course)
    html = client.get(response["Location"]).content.decode()
    # The rated card waits ten minutes; one fewer new card is left for today.
    assert "19 cards due" in html and "19 new · 0 learning · 0 to review" in html
    assert f">{escape(second.term)}</h2>" in html
    assert f">{escape(first.term)}</h2>" not in html
    log = ReviewLog.objects.get(card=card)
    assert log.rating == 3 and log.review_duration_ms is None  # shown_at 0: over an hour ago


def test_the_page_times_a_review_from_when_the_card_was_shown(client, course, learner):
    client.get(queue_url(course))
    card = ReviewCard.objects.filter(user=learner).order_by("pk").first()
    shown_at = int((timezone.now() - timedelta(seconds=8)).timestamp() * 1000)
    client.post(review_url(course, card), {"rating": "3", "shown_at": str(shown_at)})
    assert 8000 <= ReviewLog.objects.get(card=card).review_duration_ms < 60_000


def test_a_card_shown_in_the_future_by_another_servers_clock_is_rated_without_a_time(
    client, course, learner
):
    client.get(queue_url(course))
    card = ReviewCard.objects.filter(user=learner).order_by("pk").first()
    shown_at = int((timezone.now() + timedelta(seconds=30)).timestamp() * 1000)
    assert (
        client.post(review_url(course, card), {"rating": "3", "shown_at": shown_at}).status_code
        == 303
    )
    assert ReviewLog.objects.get(card=card).review_duration_ms is None


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
    assert "20 cards due" in client.get(queue_url(course)).content.decode()


def test_the_page_refuses_a_rating_of_a_card_the_exam_protects(client, course, learner):
    # The same rule as the API's (services/study.review_record): the queue never shows the
    # card, and posting its id changes nothing.
    question = Question.objects.filter(tags__name="exam").order_by("key").first()
    card = question_card(learner, question, due=timezone.now() - timedelta(days=1))
    response = client.post(review_url(course, card), {"rating": "3"})
    assert response.status_code == 404
    assert not ReviewLog.objects.filter(card=card).exists()
    assert ReviewCard.objects.get(pk=card.pk).review_count == 0


def test_undo_restores_the_last_rated_card_and_shows_it_again(client, course, learner):
    client.get(queue_url(course))
    card = ReviewCard.objects.filter(user=learner).order_by("pk").first()
    before = ReviewCard.objects.values().get(pk=card.pk)
    assert "Undo the last rating" not in client.get(queue_url(course)).content.decode()
    client.post(review_url(course, card), {"rating": "1"})
    html = client.get(queue_url(course)).content.decode()
    assert 'aria-keyshortcuts="U Control+Z">Undo the last rating (Again)</button>' in html
    response = client.post(undo_url(course))
    assert response.status_code == 303
    assert response["Location"] == f"{queue_url(course)}?card={card.pk}"
    html = client.get(response["Location"]).content.decode()
    assert "Rating undone (Again): the card is back." in html
    assert f">{escape(card.concept.term)}</h2>" in html and "20 cards due" in html
    assert ReviewCard.objects.values().get(pk=card.pk) == before
    assert ReviewLog.objects.get(card=card).undone_at is not None
    assert "Undo the last rating" not in html


def test_undo_with_nothing_to_undo_says_so_and_changes_nothing(client, course, learner):
    client.get(queue_url(course))
    response = client.post(undo_url(course))
    assert response.status_code == 409
    assert "There is no rating to undo." in response.content.decode()
    assert not ReviewLog.objects.exists()


def test_the_daily_limit_of_new_cards_is_a_setting_on_the_page(client, course, learner):
    client.get(queue_url(course))
    html = client.get(queue_url(course)).content.decode()
    assert 'name="new_cards_per_day" value="20" min="0" max="9999"' in html
    response = client.post(settings_url(course), {"new_cards_per_day": "5"})
    assert response.status_code == 303
    html = client.get(queue_url(course)).content.decode()
    assert "New cards per day: 5." in html and "5 cards due" in html


@pytest.mark.parametrize("value", ["-1", "10000", "x", "", "2.5"])
def test_a_bad_daily_limit_is_refused_with_a_message_and_nothing_changes(
    client, course, learner, value
):
    response = client.post(settings_url(course), {"new_cards_per_day": value})
    assert response.status_code == 400
    assert "New cards per day must be a whole number from 0 to 9999." in response.content.decode()
    assert not StudyPreferences.objects.filter(user=learner).exists()


def test_when_todays_new_cards_are_done_the_page_says_how_many_wait(client, course, learner):
    client.post(settings_url(course), {"new_cards_per_day": "1"})
    client.get(queue_url(course))
    card = ReviewCard.objects.filter(user=learner).order_by("pk").first()
    client.post(review_url(course, card), {"rating": "4"})  # Easy: days away
    html = client.get(queue_url(course)).content.decode()
    assert "No cards due" in html
    waiting = shipped_pack_counts()["concepts"] - 1  # every concept card but the one studied
    assert f"{waiting} new cards wait for another day: you study up to 1 new card a day" in html
    assert "The next card is due in" in html


def test_another_learners_card_is_404(client, course, learner):
    other = enrolled_learner(course)
    concept = first_concepts().first()
    card = ReviewCard.objects.create(
        user=other, kind=CardKind.CONCEPT, concept=concept, due=timezone.now()
    )
    assert client.post(review_url(course, card), {"rating": "3"}).status_code == 404
    assert not ReviewLog.objects.exists()


@pytest.mark.usefixtures("final_exam_unprotected")
def test_a_question_card_shows_the_stem_and_choices_and_on_its_back_the_right_answer(
    client, course, learner
):
    client.get(queue_url(course))
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() + timedelta(days=1))
    section = shipped_article().sections.get(position=2)
    question = make_question(section, stem="When was it?", explanation="It says so.")
    question_card(learner, question, due=timezone.now())
    html = client.get(queue_url(course)).content.decode()
    assert "1 card due" in html
    front, back = html.split('id="card-back"', 1)
    assert "When was it?" in front
    assert "<li>1995</li><li>2002</li><li>2019</li>" in front  # the choices, as asked
    assert '<h4 class="h6">Right answer</h4>' in back
    assert "<li>1995</li>" in back and "2002" not in back
    assert "It says so." in back
    assert section.get_absolute_url() in html


@pytest.mark.usefixtures("final_exam_unprotected")
@pytest.mark.parametrize("qtype", sorted(TYPES))
def test_every_question_types_card_shows_its_key_on_its_back(client, course, learner, qtype):
    client.get(queue_url(course))
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() + timedelta(days=1))
    question = next(q for q in one_question_per_type() if q.qtype == qtype)
    version = question.current_version
    question_card(learner, question, due=timezone.now())
    back = card_back(client.get(queue_url(course)).content.decode())
    for text in version.type.correct_texts(version.payload):
        assert f"<li>{escape(text)}</li>" in back


def test_with_nothing_due_the_page_says_when_the_next_card_is(client, course, learner):
    client.get(queue_url(course))
    ReviewCard.objects.filter(user=learner).update(
        due=timezone.now() + timedelta(hours=3), review_count=1, state=2
    )
    html = client.get(queue_url(course)).content.decode()
    assert "No cards due" in html
    assert "The next card is due in 2\xa0hours" in html
    assert 'name="rating"' not in html and "wait for another day" not in html


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
    assert client.post(undo_url(course)).status_code == 404
    assert client.post(settings_url(course), {"new_cards_per_day": "5"}).status_code == 404
    assert not StudyPreferences.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, course):
    response = client.get(queue_url(course))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_review_undo_and_settings_urls_take_post_only(client, course, learner):
    client.get(queue_url(course))
    card = ReviewCard.objects.filter(user=learner).first()
    assert client.get(review_url(course, card)).status_code == 405
    assert client.get(undo_url(course)).status_code == 405
    assert client.get(settings_url(course)).status_code == 405
    assert not ReviewLog.objects.exists()
