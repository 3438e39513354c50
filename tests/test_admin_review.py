"""The admin review of scores: filters, search, read-only responses and the CSV action."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from quizzes import models
from tests.factories import CourseFactory, fixed_quiz, make_attempt, make_question
from tests.submitted_attempts import hand_fixture

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:quizzes_attempt_changelist"


@pytest.fixture
def fixture():
    """The hand fixture (0, 33.33, 33.33, 66.67, 83.33 %), started on 2 to 6 March 2026."""
    fixture = hand_fixture()
    for day, name in enumerate(["ayan", "bota", "dana", "erlan", "zhanna"], start=2):
        moment = datetime(2026, 3, day, 9, tzinfo=UTC)
        models.Attempt.objects.filter(pk=fixture.attempts[name].pk).update(
            started_at=moment, submitted_at=moment
        )
    return fixture


def listed(admin_client, params) -> list[str]:
    response = admin_client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return sorted(a.user.username for a in response.context["cl"].result_list)


def test_attempts_filter_by_course_quiz_and_state(admin_client, fixture):
    other = CourseFactory()
    quiz = fixed_quiz([make_question()])
    make_attempt(quiz=quiz, course=other, questions=[make_question()])
    assert len(listed(admin_client, {"course__id__exact": fixture.course.pk})) == 5
    assert len(listed(admin_client, {"quiz__id__exact": quiz.pk})) == 1
    assert len(listed(admin_client, {"state__exact": "in_progress"})) == 1
    assert len(listed(admin_client, {"state__exact": "submitted"})) == 5


def test_attempts_filter_by_started_date(admin_client, fixture):
    params = {
        "started_at__gte": "2026-03-03 00:00:00+00:00",
        "started_at__lt": "2026-03-05 00:00:00+00:00",
    }
    assert listed(admin_client, params) == ["bota", "dana"]


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("0-20", ["ayan"]),
        ("20-40", ["bota", "dana"]),
        ("40-60", []),
        ("60-80", ["erlan"]),
        ("80-100", ["zhanna"]),
    ],
)
def test_attempts_filter_by_score_band(admin_client, fixture, band, expected):
    assert listed(admin_client, {"score_band": band}) == expected


def test_the_score_filter_lists_its_bands_and_finds_unscored_attempts(admin_client, fixture):
    make_attempt(quiz=fixture.quiz, course=fixture.course, questions=fixture.questions)
    html = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert "By score" in html and "80–100 %" in html
    assert len(listed(admin_client, {"score_band": "unscored"})) == 1


def test_a_full_score_is_in_the_top_band(admin_client, fixture):
    models.Attempt.objects.filter(pk=fixture.attempts["zhanna"].pk).update(score=3)
    assert listed(admin_client, {"score_band": "80-100"}) == ["zhanna"]


def test_attempts_are_searchable_by_learner_username_and_name(admin_client, fixture):
    user = fixture.attempts["dana"].user
    user.last_name = "Nurlanova"
    user.save()
    assert listed(admin_client, {"q": "nurlan"}) == ["dana"]
    assert listed(admin_client, {"q": "erlan"}) == ["erlan"]


def test_responses_are_shown_read_only(admin_client, fixture):
    attempt = fixture.attempts["erlan"]
    html = admin_client.get(
        reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    ).content.decode()
    assert "Rights quiz" in html and "Which protect rights?" in html
    assert 'name="responses-0-answer"' not in html and 'name="responses-0-score"' not in html


def test_the_admin_shows_answers_in_words_and_links_the_staff_page(admin_client, fixture):
    attempt = fixture.attempts["erlan"]
    html = admin_client.get(
        reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    ).content.decode()
    # The letters follow the order the learner saw; never the stored keys.
    assert "A. 1995" in html and "A. Ombudsman; B. Constitutional Court" in html
    keys = [
        c["key"] for q in fixture.questions for c in q.current_version.payload.get("choices", [])
    ]
    assert not any(key in html for key in keys)
    assert reverse("teach:attempt", args=[fixture.course.slug, attempt.pk]) in html


def test_the_response_and_step_admins_show_answers_in_words(admin_client, fixture):
    response = fixture.attempts["bota"].responses.get(position=1)
    html = admin_client.get(
        reverse("admin:quizzes_response_change", args=[response.pk])
    ).content.decode()
    assert "C. 2019" in html and '"choice"' not in html
    steps = admin_client.get(
        reverse("admin:quizzes_responsestep_changelist"), {"kind__exact": "save"}
    ).content.decode()
    assert "C. 2019" in steps and "A. Ombudsman; C. Senate" in steps


def test_the_csv_action_exports_the_selected_attempts(admin_client, fixture):
    chosen = [fixture.attempts["erlan"].pk, fixture.attempts["ayan"].pk]
    user = fixture.attempts["ayan"].user
    user.first_name = "@cmd"
    user.save()
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "export_attempts_csv", "_selected_action": chosen}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="attempts-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "username"
    assert [(row[0], row[1], row[-1]) for row in rows[1:]] == [
        ("ayan", "'@cmd Test", "0.00"),
        ("erlan", "Erlan Test", "66.67"),
    ]


def test_the_csv_action_neutralises_a_formula_after_a_separator(admin_client, fixture):
    user = fixture.attempts["ayan"].user
    user.first_name, user.last_name = "Ann ;=cmd|' /C calc'!A0;", ""
    user.save()
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "export_attempts_csv", "_selected_action": [fixture.attempts["ayan"].pk]},
    )
    line = response.content.decode("utf-8-sig").splitlines()[1]
    assert line.startswith('"ayan","Ann ;\'=cmd|\' /C calc\'!A0;",')
    semicolon_cells = next(csv.reader(io.StringIO(line), delimiter=";"))
    assert not any(cell.lstrip().startswith("=") for cell in semicolon_cells)


def test_the_csv_action_is_offered_and_deleting_is_not(admin_client, fixture):
    html = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert "Export selected attempts as CSV" in html
    assert "delete_selected" not in html
