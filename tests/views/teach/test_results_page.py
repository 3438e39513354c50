"""The results page: summary, histogram table, filters, sorting and pagination."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import models
from quizzes.selectors.analysis_snapshots import item_analysis_snapshot
from tests.factories import UserFactory, enrol, make_attempt
from tests.submitted_attempts import bulk_submitted, hand_fixture

pytestmark = pytest.mark.django_db

# Start day and minutes taken per learner (percents from builders.py: 0, 33.33, 33.33, 66.67,
# 83.33); farida's attempt is still open.
TIMES = {
    "ayan": (2, 5),
    "bota": (3, 10),
    "dana": (4, 2),
    "erlan": (5, 20),
    "zhanna": (6, 7),
}


def at(day: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, 9, minute, tzinfo=UTC)


@pytest.fixture
def results(client):
    """The hand fixture with known times, an open attempt, and the instructor logged in."""
    fixture = hand_fixture()
    for name, (day, minutes) in TIMES.items():
        models.Attempt.objects.filter(pk=fixture.attempts[name].pk).update(
            started_at=at(day), submitted_at=at(day, minutes)
        )
    farida = enrol(fixture.course, UserFactory(username="farida", first_name="Farida"))
    make_attempt(quiz=fixture.quiz, user=farida, course=fixture.course, questions=fixture.questions)
    client.force_login(fixture.instructor)
    url = reverse("teach:results", args=[fixture.course.slug, fixture.quiz.pk])
    return client, url, fixture


def learners(page) -> list[str]:
    return [row.username for row in page.context["rows"]]


def test_the_summary_counts_attempts_and_gives_mean_median_and_pass_rate(results):
    client, url, _ = results
    page = client.get(url)
    summary = page.context["summary"]
    assert summary.attempt_count == 6 and summary.scored_count == 5
    # (0 + 33.333 + 33.333 + 66.667 + 83.333) / 5 = 216.667 / 5 = 43.333
    assert summary.mean_percent == pytest.approx(43.3333, abs=1e-3)
    assert summary.median_percent == pytest.approx(33.3333, abs=1e-3)
    # 66.67 and 83.33 reach the 60 % pass mark: 2 of 5
    assert summary.pass_count == 2 and summary.pass_rate == pytest.approx(40.0)
    html = page.content.decode()
    assert "43.3%" in html and "33.3%" in html and "40.0% (2 of 5" in html


def test_the_histogram_table_counts_scores_per_ten_point_band(results):
    client, url, _ = results
    page = client.get(url)
    # 0 → 0–10; 33.33 twice → 30–40; 66.67 → 60–70; 83.33 → 80–90
    assert page.context["summary"].bins == [1, 0, 0, 2, 0, 0, 1, 0, 1, 0]
    html = page.content.decode()
    assert "<caption>Scored attempts per score band</caption>" in html
    assert 'histogram.svg"' in html


def test_the_table_shows_each_attempt_with_duration_score_and_state(results):
    client, url, _ = results
    html = client.get(url).content.decode()
    assert "erlan" in html and "Erlan Test" in html
    assert "20 min 00 s" in html and "2.00 / 3.00" in html and "66.67%" in html
    assert "in progress" in html and "farida" in html


def test_attempts_filter_by_state(results):
    client, url, _ = results
    assert learners(client.get(url, {"state": "in_progress"})) == ["farida"]
    assert len(learners(client.get(url, {"state": "submitted"}))) == 5


def test_attempts_filter_by_submitted_date_range(results):
    client, url, _ = results
    page = client.get(url, {"submitted_from": "2026-03-03", "submitted_to": "2026-03-04"})
    assert sorted(learners(page)) == ["bota", "dana"]
    assert page.context["summary"].attempt_count == 2


def test_attempts_filter_by_score_range_in_percent(results):
    client, url, _ = results
    page = client.get(url, {"percent_min": "33.33", "percent_max": "66.67"})
    assert sorted(learners(page)) == ["bota", "dana", "erlan"]
    assert learners(client.get(url, {"percent_min": "80"})) == ["zhanna"]


def test_attempts_filter_by_learner_username_or_name(results):
    client, url, _ = results
    assert learners(client.get(url, {"learner": "ZHAN"})) == ["zhanna"]
    assert learners(client.get(url, {"learner": "erlan test"})) == ["erlan"]
    assert learners(client.get(url, {"learner": "nobody"})) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("learner", ["ayan", "bota", "dana", "erlan", "farida", "zhanna"]),
        ("-learner", ["zhanna", "farida", "erlan", "dana", "bota", "ayan"]),
        ("started", ["ayan", "bota", "dana", "erlan", "zhanna", "farida"]),
        ("duration", ["dana", "ayan", "zhanna", "bota", "erlan", "farida"]),
        ("-duration", ["erlan", "bota", "zhanna", "ayan", "dana", "farida"]),
        ("-score", ["zhanna", "erlan", "dana", "bota", "ayan", "farida"]),
    ],
)
def test_attempts_sort_by_learner_start_duration_and_score(results, sort, expected):
    client, url, _ = results
    assert learners(client.get(url, {"sort": sort})) == expected


def test_the_active_sort_column_says_its_direction(results):
    client, url, _ = results
    html = client.get(url, {"sort": "-score"}).content.decode()
    assert 'aria-sort="descending"><a href="?sort=score">Score</a>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"state": "deleted"},
        {"submitted_from": "yesterday"},
        {"percent_min": "150"},
        {"percent_min": "abc"},
        {"percent_min": "70", "percent_max": "20"},
        {"submitted_from": "2026-03-05", "submitted_to": "2026-03-01"},
        {"sort": "password"},
    ],
)
def test_bad_filter_values_give_a_form_error_not_a_crash(results, params):
    client, url, _ = results
    page = client.get(url, params)
    assert page.status_code == 200
    assert page.context["form"].errors
    html = page.content.decode()
    assert "Some filters are not valid" in html and "invalid-feedback" in html
    assert "rows" not in page.context


def test_range_errors_carry_stable_codes(results):
    client, url, _ = results
    form = client.get(url, {"percent_min": "70", "percent_max": "20"}).context["form"]
    assert form.has_error("percent_max", code="score_range")
    form = client.get(url, {"submitted_from": "2026-03-05", "submitted_to": "2026-03-01"}).context[
        "form"
    ]
    assert form.has_error("submitted_to", code="date_range")


def test_the_table_pages_fifty_attempts_at_a_time(client):
    fixture = hand_fixture()
    bulk_submitted(fixture.course, fixture.quiz, fixture.questions, 60)
    client.force_login(fixture.instructor)
    url = reverse("teach:results", args=[fixture.course.slug, fixture.quiz.pk])
    first = client.get(url, {"sort": "learner"})
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.num_pages == 2
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?sort=learner&amp;page=2" rel="next"' in first.content.decode()
    second = client.get(url, {"sort": "learner", "page": "2"})
    assert len(second.context["rows"]) == 15
    assert not set(learners(first)) & set(learners(second))
    assert client.get(url, {"page": "nonsense"}).status_code == 200
    # The summary covers every page, not only the one shown.
    assert second.context["summary"].attempt_count == 65


def test_the_analysis_page_says_when_its_figures_were_calculated(client):
    hand = hand_fixture()
    snapshot = item_analysis_snapshot(course=hand.course, quiz=hand.quiz)
    client.force_login(hand.instructor)

    page = client.get(reverse("teach:analysis", args=[hand.course.slug, hand.quiz.pk]))

    shown = timezone.localtime(snapshot.computed_at).strftime("%H:%M")
    assert f"as calculated at {shown}" in page.content.decode()
