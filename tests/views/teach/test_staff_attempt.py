"""The staff's view of an attempt (issue #14 item 1): the learner's answers as they saw them,
every step with its time and mark, the review with keys; reached from the results in one click;
open to the course's teachers only; a fixed number of queries whatever the quiz's size."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, ResponseStep
from quizzes.services.attempts import answers_save, attempt_start, attempt_submit
from tests.factories import (
    CourseFactory,
    UserFactory,
    course_with_learner,
    enrol,
    fixed_quiz,
    key_answer,
    make_question,
)
from tests.submitted_attempts import hand_fixture

pytestmark = pytest.mark.django_db


def page_url(attempt: Attempt) -> str:
    return reverse("teach:attempt", args=[attempt.course.slug, attempt.pk])


def text_of(html: str) -> str:
    """The page's text with tags and runs of white space collapsed, for phrase checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def hand():
    return hand_fixture()


def test_the_results_row_links_to_the_attempt_page(client, hand):
    client.force_login(hand.instructor)
    results = client.get(reverse("teach:results", args=[hand.course.slug, hand.quiz.pk]))
    html = results.content.decode()
    for attempt in hand.attempts.values():
        assert f'href="{page_url(attempt)}"' in html
    # The link is each row's last cell: the one the table keeps on screen on a phone.
    row = re.search(r"<tr>\s*<th scope=\"row\"[^>]*>bota.*?</tr>", html, re.S).group(0)
    last_cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]
    assert page_url(hand.attempts["bota"]) in last_cell


def test_the_page_shows_what_the_learner_answered_and_when(client, hand):
    client.force_login(hand.instructor)
    attempt = hand.attempts["bota"]
    html = client.get(page_url(attempt)).content.decode()
    text = text_of(html)
    # The single choice in the order shown (not shuffled here: 1995, 2002, 2019): the third.
    assert "C. 2019" in text
    assert "A. Ombudsman; C. Senate" in text
    assert "When was the constitution adopted?" in text
    assert "Right answer 1995" in text
    # Every step with its time: a save, then the submission, for each question.
    assert html.count("Answer saved") == 3 and html.count("Attempt submitted") == 3
    for step in ResponseStep.objects.filter(response__attempt=attempt):
        assert step.created_at.strftime("%Y-%m-%d %H:%M:%S") in html
    assert "1 / 3 (33.33%)" in text


def test_the_options_are_shown_in_the_order_the_learner_saw(client):
    course, learner = course_with_learner()
    question = make_question(
        data={"choices": [{"text": f"Option {n}", "correct": n == 0} for n in range(6)]}
    )
    quiz = fixed_quiz([question], course=course)
    quiz.shuffle_choices = True
    quiz.save()
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    response = attempt.responses.get()
    shown = [
        next(c["text"] for c in question.current_version.payload["choices"] if c["key"] == key)
        for key in response.choice_order
    ]
    client.force_login(enrol(course, role="instructor"))
    html = client.get(page_url(attempt)).content.decode()
    table = html[html.index("shown-options") : html.index("</table>", html.index("shown-options"))]
    assert re.findall(r"Option \d", table) == shown
    # Still open: the answers so far, and no grading forms.
    assert "has not submitted this attempt" in html and "attempt_grade" not in html


def test_an_open_attempts_page_shows_the_answer_saved_so_far(client):
    course, learner = course_with_learner()
    question = make_question()
    quiz = fixed_quiz([question], course=course)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={question.pk: key_answer(question.current_version)},
    )
    client.force_login(enrol(course, role="instructor"))
    text = text_of(client.get(page_url(attempt)).content.decode())
    assert "Answer A. 1995" in text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("learner", 403),
        ("learner_elsewhere", 403),
        ("instructor_elsewhere", 403),
        ("instructor", 200),
        ("admin", 200),
    ],
)
def test_only_the_courses_teachers_open_an_attempt(client, hand, who, status):
    users = {
        "learner": hand.attempts["ayan"].user,
        "learner_elsewhere": enrol(CourseFactory()),
        "instructor_elsewhere": enrol(CourseFactory(), role="instructor"),
        "instructor": hand.instructor,
        "admin": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    client.force_login(users[who])
    attempt = hand.attempts["bota"]
    assert client.get(page_url(attempt)).status_code == status
    post = reverse("teach:attempt_grade", args=[attempt.course.slug, attempt.pk])
    client.post(post, {"score": "3", "comment": "x"})
    attempt.refresh_from_db()
    assert attempt.score == (3 if status == 200 else 1)


def test_an_anonymous_visitor_is_sent_to_log_in(client, hand):
    reply = client.get(page_url(hand.attempts["bota"]))
    assert reply.status_code == 302 and "/accounts/login/" in reply["Location"]


def test_an_attempt_of_another_course_is_404_even_for_its_teacher_elsewhere(client, hand):
    other = CourseFactory()
    teacher = enrol(other, role="instructor")
    client.force_login(teacher)
    attempt = hand.attempts["bota"]
    assert client.get(reverse("teach:attempt", args=[other.slug, attempt.pk])).status_code == 404
    mark = reverse("teach:attempt_mark", args=[other.slug, attempt.pk, hand.questions[0].pk])
    assert client.post(mark, {"mark": "1"}).status_code == 404
    client.force_login(hand.instructor)
    unknown = reverse("teach:attempt", args=[hand.course.slug, 987654])
    assert client.get(unknown).status_code == 404


def test_a_mark_given_on_the_page_is_saved_and_shown_to_the_learner(client, hand):
    client.force_login(hand.instructor)
    attempt = hand.attempts["bota"]
    url = reverse("teach:attempt_mark", args=[hand.course.slug, attempt.pk, hand.questions[0].pk])
    reply = client.post(url, {"mark": "0.5", "comment": "Close: 2019 was the amendment."})
    assert reply.status_code == 302 and reply["Location"].endswith(f"#q{hand.questions[0].pk}")
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.5")
    staff = text_of(client.get(page_url(attempt)).content.decode())
    assert "Marked by hand" in staff and f"by {hand.instructor.username}" in staff
    client.force_login(attempt.user)
    review = text_of(
        client.get(reverse("quizzes:attempt_review", args=[attempt.pk])).content.decode()
    )
    assert "Question 1 marked by hand" in review
    assert "mark changed from 0 to 0.50 of 1" in review
    assert "Close: 2019 was the amendment." in review
    assert hand.instructor.username not in review


@pytest.mark.parametrize(
    "data", [{"mark": "7"}, {"mark": "0.125"}, {"mark": "x"}, {"mark": "", "comment": ""}]
)
def test_a_bad_mark_on_the_page_is_a_form_error_and_changes_nothing(client, hand, data):
    client.force_login(hand.instructor)
    attempt = hand.attempts["bota"]
    steps = ResponseStep.objects.count()
    url = reverse("teach:attempt_mark", args=[hand.course.slug, attempt.pk, hand.questions[0].pk])
    reply = client.post(url, data)
    assert reply.status_code == 400
    assert "Nothing was saved" in reply.content.decode()
    assert ResponseStep.objects.count() == steps


def test_a_grade_given_by_hand_is_shown_then_withdrawn(client, hand):
    client.force_login(hand.instructor)
    attempt = hand.attempts["bota"]
    url = reverse("teach:attempt_grade", args=[hand.course.slug, attempt.pk])
    assert client.post(url, {"score": "2.5", "comment": "Oral exam"}).status_code == 302
    text = text_of(client.get(page_url(attempt)).content.decode())
    assert "graded by hand" in text and "mark changed from 1 to 2.5" in text
    assert "Withdraw the grade given by hand" in text
    assert client.post(url, {"withdraw": "on"}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 1
    assert client.post(url, {"score": "9"}).status_code == 400
    assert client.get(url).status_code == 405


@pytest.fixture(params=[5, 60], ids=["5-questions", "60-questions"])
def sized(request, client):
    course, learner = course_with_learner()
    questions = list(Question.objects.published().order_by("key")[: request.param])
    quiz = fixed_quiz(questions, article=course.article)
    attempt = attempt_start(quiz=quiz, user=learner, course=course)
    answers_save(
        attempt_id=attempt.pk,
        user=learner,
        answers={q.pk: key_answer(q.current_version) for q in questions},
    )
    attempt_submit(attempt_id=attempt.pk, user=learner)
    client.force_login(enrol(course, role="instructor"))
    return client, attempt


# As every teaching page: the session, the user, the course and two for teaches(); then the
# attempt, its steps, its grades given by hand, its responses and the learner's other attempts.
STAFF_ATTEMPT_QUERIES = 10


def test_the_attempt_page_makes_a_fixed_number_of_queries(sized, django_assert_max_num_queries):
    client, attempt = sized
    url = page_url(attempt)
    with django_assert_max_num_queries(STAFF_ATTEMPT_QUERIES):
        assert client.get(url).status_code == 200
