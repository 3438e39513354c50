"""The results pages make a fixed number of queries, whether 3 or 200 attempts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import SINGLE_CHOICE_DATA, CourseFactory, enrol, fixed_quiz, make_question
from tests.submitted_attempts import MULTIPLE_RESPONSE_DATA, bulk_submitted

pytestmark = pytest.mark.django_db
# Every URL: session, user, course, two for teaches(), the quiz (6); then its own reads.
RESULTS_QUERIES = 10  # + count, page of rows, summary with bins, median
# Computed: + its stamp (2), the cache read, item sums, attempt totals, answer counts, question
# versions and the cache write (2). Kept: 6 + the stamp and the cache read.
ANALYSIS_QUERIES = 15
ANALYSIS_KEPT_QUERIES = 9
CSV_QUERIES = 7  # + the attempts, streamed
HISTOGRAM_QUERIES = 8  # + summary with bins, median


@pytest.fixture(params=[3, 200], ids=["3-attempts", "200-attempts"])
def teaching(request, client):
    course = CourseFactory()
    questions = [
        make_question(data=SINGLE_CHOICE_DATA),
        make_question(qtype="true_false", data={"answer": True, "feedback": ""}),
        make_question(qtype="multiple_response", data=MULTIPLE_RESPONSE_DATA),
        make_question(qtype="short_answer", data={"accepted": ["Astana"]}),
    ]
    quiz = fixed_quiz(questions, course=course)
    bulk_submitted(course, quiz, questions, request.param)
    client.force_login(enrol(course, role="instructor"))
    return client, course, quiz


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("results", RESULTS_QUERIES),
        ("analysis", ANALYSIS_QUERIES),
        ("results_csv", CSV_QUERIES),
        ("histogram", HISTOGRAM_QUERIES),
    ],
)
def test_each_results_url_makes_a_fixed_number_of_queries(
    teaching, name, limit, django_assert_max_num_queries
):
    client, course, quiz = teaching
    url = reverse(f"teach:{name}", args=[course.slug, quiz.pk])
    with django_assert_max_num_queries(limit):
        response = client.get(url, {"sort": "-score", "percent_min": "0"})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200


def test_the_analysis_kept_since_nothing_changed_reads_no_response(
    teaching, django_assert_max_num_queries
):
    client, course, quiz = teaching
    url = reverse("teach:analysis", args=[course.slug, quiz.pk])
    assert client.get(url).status_code == 200

    with django_assert_max_num_queries(ANALYSIS_KEPT_QUERIES):
        assert client.get(url).status_code == 200
