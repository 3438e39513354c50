"""The CSV export and the SVG histogram of a quiz's results."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from quizzes import models
from tests.submitted_attempts import hand_fixture

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def fixture(client):
    fixture = hand_fixture()
    client.force_login(fixture.instructor)
    return fixture


def download(client, fixture, params=None) -> list[list[str]]:
    url = reverse("teach:results_csv", args=[fixture.course.slug, fixture.quiz.pk])
    response = client.get(url, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_a_header_and_one_row_per_attempt(client, fixture):
    rows = download(client, fixture, {"sort": "learner"})
    assert rows[0][:6] == ["username", "name", "course", "quiz", "attempt", "state"]
    assert [row[0] for row in rows[1:]] == ["ayan", "bota", "dana", "erlan", "zhanna"]
    erlan = dict(zip(rows[0], rows[4], strict=True))
    assert erlan["score"] == "2.00" and erlan["max_score"] == "3.00"
    assert erlan["percent"] == "66.67" and erlan["state"] == "submitted"
    assert erlan["name"] == "Erlan Test" and erlan["quiz"] == "Rights quiz"


def test_the_csv_holds_the_same_filtered_rows_as_the_table(client, fixture):
    rows = download(client, fixture, {"percent_min": "50", "sort": "-score"})
    assert [row[0] for row in rows[1:]] == ["zhanna", "erlan"]


def test_csv_cells_are_escaped_and_formulas_neutralised(client, fixture):
    user = fixture.attempts["ayan"].user
    user.first_name = '=HYPERLINK("http://evil.example","click")'
    user.last_name = 'Smith, "Jr"'
    user.save()
    rows = download(client, fixture, {"learner": "ayan"})
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","click") Smith, "Jr"'
    assert len(rows[1]) == len(rows[0])


def test_results_csv_neutralises_a_formula_after_a_separator(client, fixture):
    # In a locale that splits on ";", the unquoted cell became "Ann " and the formula "=cmd|...".
    user = fixture.attempts["ayan"].user
    user.first_name, user.last_name = "Ann ;=cmd|' /C calc'!A0;", ""
    user.save()
    url = reverse("teach:results_csv", args=[fixture.course.slug, fixture.quiz.pk])
    text = b"".join(client.get(url, {"learner": "ayan"}).streaming_content).decode("utf-8-sig")
    assert "\"Ann ;'=cmd|' /C calc'!A0;\"" in text.splitlines()[1]
    semicolon_cells = next(csv.reader(io.StringIO(text.splitlines()[1]), delimiter=";"))
    assert not any(cell.lstrip().startswith("=") for cell in semicolon_cells)


def test_every_cell_of_the_results_csv_is_quoted(client, fixture):
    url = reverse("teach:results_csv", args=[fixture.course.slug, fixture.quiz.pk])
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith('"username","name","course"')
    assert first.startswith('"') and first.endswith('"') and '","' in first


def test_bad_filters_make_the_csv_a_400_that_names_the_problem(client, fixture):
    url = reverse("teach:results_csv", args=[fixture.course.slug, fixture.quiz.pk])
    response = client.get(url, {"percent_max": "200"})
    assert response.status_code == 400
    assert response.content.decode().startswith("percent_max:")


def test_the_histogram_is_an_svg_served_by_the_project(client, fixture):
    url = reverse("teach:histogram", args=[fixture.course.slug, fixture.quiz.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    root = ET.fromstring(response.content.decode().split("\n", 1)[1])
    assert root.find(f"{SVG}title").text == "Scores in Rights quiz"
    assert "30–40%: 2" in root.find(f"{SVG}desc").text
    bars = [g.find(f"{SVG}title").text for g in root.findall(f"{SVG}g")]
    assert bars == [
        "0–10%: 1",
        "10–20%: 0",
        "20–30%: 0",
        "30–40%: 2",
        "40–50%: 0",
        "50–60%: 0",
        "60–70%: 1",
        "70–80%: 0",
        "80–90%: 1",
        "90–100%: 0",
    ]


def test_the_histogram_follows_the_filters_and_refuses_bad_ones(client, fixture):
    url = reverse("teach:histogram", args=[fixture.course.slug, fixture.quiz.pk])
    root = ET.fromstring(client.get(url, {"percent_min": "50"}).content.decode().split("\n", 1)[1])
    assert "0–10%: 0" in root.find(f"{SVG}desc").text
    assert client.get(url, {"state": "nope"}).status_code == 400


def test_a_quiz_title_cannot_inject_markup_into_the_svg(client, fixture):
    models.Quiz.objects.filter(pk=fixture.quiz.pk).update(title="<script>alert(1)</script>")
    url = reverse("teach:histogram", args=[fixture.course.slug, fixture.quiz.pk])
    body = client.get(url).content.decode()
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_the_results_page_links_the_csv_and_chart_with_its_filters(client, fixture):
    url = reverse("teach:results", args=[fixture.course.slug, fixture.quiz.pk])
    html = client.get(url, {"state": "submitted", "page": "1"}).content.decode()
    assert "results.csv?state=submitted" in html
    assert "histogram.svg?state=submitted" in html
