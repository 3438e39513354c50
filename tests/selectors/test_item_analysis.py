"""Item analysis figures, checked against values computed by hand on a small fixture."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes import models
from quizzes.selectors.item_analysis import quiz_item_analysis
from tests.factories import CourseFactory, enrol, fixed_quiz, make_attempt, make_question
from tests.submitted_attempts import hand_fixture

pytestmark = pytest.mark.django_db

# The fixture (tests/submitted_attempts.py), fractions per learner, one mark per question:
#            Q1  Q2  Q3   total T
#   ayan     0   0   0    0
#   bota     0   1   0    1
#   dana     0   1   0    1
#   erlan    1   0   1    2
#   zhanna   1   1   0.5  2.5
# Rest of test y = T − item; all sums over the five submitted attempts.
#
# Q1: x = 0,0,0,1,1 → mean 0.4 → facility 40 %.
#     Σ(x − 0.4)² = 3·0.16 + 2·0.36 = 1.2 → SD = √(1.2 / 4) = 0.547723 → 54.7723 %
#     y = 0,1,1,1,1.5 → mean 0.9; dy = −.9, .1, .1, .1, .6; Σdy² = .81 + 3·.01 + .36 = 1.2
#     Σdxdy = (−.4)(−.9) + 2·(−.4)(.1) + (.6)(.1) + (.6)(.6) = .36 − .08 + .06 + .36 = .70
#     r = .70 / √(1.2 · 1.2) = 0.583333
# Q2: x = 0,1,1,0,1 → mean 0.6 → facility 60 %; Σdx² = 2·.36 + 3·.16 = 1.2 → SD 54.7723 %
#     y = 0,0,0,2,1.5 → mean 0.7; dy = −.7, −.7, −.7, 1.3, .8; Σdy² = 3·.49 + 1.69 + .64 = 3.8
#     Σdxdy = (−.6)(−.7) + (.4)(−.7) + (.4)(−.7) + (−.6)(1.3) + (.4)(.8)
#           = .42 − .28 − .28 − .78 + .32 = −.60
#     r = −.60 / √(1.2 · 3.8) = −.60 / 2.135416 = −0.280976   → flagged
# Q3: x = 0,0,0,1,.5 → mean 0.3 → facility 30 %; Σdx² = 3·.09 + .49 + .04 = .80
#     SD = √(.8 / 4) = 0.447214 → 44.7214 %
#     y = 0,1,1,1,2 → mean 1; dy = −1,0,0,0,1; Σdy² = 2; Σdxdy = .3 + .2 = .5
#     r = .5 / √(.8 · 2) = .5 / 1.264911 = 0.395285
# Reliability: item sample variances 1.2/4 = .3, .3, .8/4 = .2 → Σ = .8
#     T mean 1.3; Σ(T − 1.3)² = 1.69 + .09 + .09 + .49 + 1.44 = 3.8 → variance 3.8/4 = .95
#     α = 3/2 · (1 − .8 / .95) = 1.5 · .157895 = 0.236842; no KR-20 (Q3 gives half marks).
EXPECTED = [
    # facility %, SD %, discrimination
    (40.0, 54.7723, 0.583333),
    (60.0, 54.7723, -0.280976),
    (30.0, 44.7214, 0.395285),
]


@pytest.fixture
def fixture():
    return hand_fixture()


def test_every_item_figure_matches_the_hand_computation(fixture):
    analysis = quiz_item_analysis(course=fixture.course, quiz=fixture.quiz)
    assert analysis.attempt_count == 5
    assert [item.question_id for item in analysis.items] == [q.pk for q in fixture.questions]
    for item, (facility, sd, discrimination) in zip(analysis.items, EXPECTED, strict=True):
        assert item.attempt_count == 5
        assert item.facility == pytest.approx(facility, abs=1e-4)
        assert item.sd == pytest.approx(sd, abs=1e-4)
        assert item.discrimination == pytest.approx(discrimination, abs=1e-6)


def test_only_the_negatively_discriminating_question_is_flagged(fixture):
    analysis = quiz_item_analysis(course=fixture.course, quiz=fixture.quiz)
    assert [item.is_flagged for item in analysis.items] == [False, True, False]
    assert analysis.flagged_count == 1


def test_cronbach_alpha_matches_and_kr20_is_withheld_for_partial_marks(fixture):
    analysis = quiz_item_analysis(course=fixture.course, quiz=fixture.quiz)
    assert analysis.alpha == pytest.approx(0.236842, abs=1e-6)
    assert analysis.kr20 is None


def test_distractor_counts_show_how_many_learners_picked_each_choice(fixture):
    items = quiz_item_analysis(course=fixture.course, quiz=fixture.quiz).items
    picked = [[(o.text, o.is_correct, o.count) for o in item.options] for item in items]
    # Q1: 1995 by erlan, zhanna; 2002 by ayan, dana; 2019 by bota.
    assert picked[0] == [("1995", True, 2), ("2002", False, 2), ("2019", False, 1)]
    # Q2: True by bota, dana, zhanna; False by ayan, erlan.
    assert picked[1] == [("True", True, 3), ("False", False, 2)]
    # Q3: Ombudsman by bota, erlan; Court by erlan, zhanna; Senate by bota; Mazhilis by dana;
    # ayan gave no answer.
    assert picked[2] == [
        ("Ombudsman", True, 2),
        ("Constitutional Court", True, 2),
        ("Senate", False, 1),
        ("Mazhilis", False, 1),
    ]
    assert [item.no_answer_count for item in items] == [0, 0, 1]
    assert items[0].options[0].percent == pytest.approx(40.0)


def test_kr20_is_given_when_every_item_is_right_or_wrong():
    course = CourseFactory()
    questions = [make_question(), make_question()]
    quiz = fixed_quiz(questions)
    # Fractions (Q1, Q2): (1,1), (1,1), (1,0), (0,0). Totals 2, 2, 1, 0 → mean 1.25,
    # population variance (.5625 + .5625 + .0625 + 1.5625) / 4 = .6875; p = .75 and .5,
    # Σpq = .1875 + .25 = .4375 → KR-20 = 2 · (1 − .4375 / .6875) = 0.727273.
    # α with sample variances: (.1875 + .25)·4/3 = .583333 over .6875·4/3 = .916667 → the same.
    for row in [(1, 1), (1, 1), (1, 0), (0, 0)]:
        attempt = make_attempt(quiz=quiz, course=course, questions=questions)
        for response, fraction in zip(attempt.responses.order_by("position"), row, strict=True):
            response.fraction = response.score = Decimal(fraction)
            response.save()
        models.Attempt.objects.filter(pk=attempt.pk).update(
            state="submitted", submitted_at=attempt.started_at, score=sum(row)
        )
    analysis = quiz_item_analysis(course=course, quiz=quiz)
    assert analysis.kr20 == pytest.approx(0.727273, abs=1e-6)
    assert analysis.alpha == pytest.approx(0.727273, abs=1e-6)


def test_attempts_of_other_courses_and_open_attempts_are_left_out(fixture):
    other = CourseFactory()
    for _ in range(3):
        attempt = make_attempt(quiz=fixture.quiz, course=other, questions=fixture.questions)
        models.Attempt.objects.filter(pk=attempt.pk).update(
            state="submitted", submitted_at=attempt.started_at, score=3
        )
        attempt.responses.update(fraction=1, score=1, answer={"choice": "x"}, state="correct")
    make_attempt(quiz=fixture.quiz, course=fixture.course, questions=fixture.questions)
    analysis = quiz_item_analysis(course=fixture.course, quiz=fixture.quiz)
    assert analysis.attempt_count == 5
    assert [item.facility for item in analysis.items] == pytest.approx([40.0, 60.0, 30.0])
    assert analysis.alpha == pytest.approx(0.236842, abs=1e-6)


def test_reliability_is_not_computed_when_attempts_saw_different_questions(fixture):
    extra = make_question(stem="Drawn for one learner only")
    learner = fixture.attempts["ayan"].user
    attempt = make_attempt(
        quiz=fixture.quiz, user=learner, course=fixture.course, questions=[extra], number=2
    )
    models.Attempt.objects.filter(pk=attempt.pk).update(
        state="submitted", submitted_at=attempt.started_at, score=0
    )
    attempt.responses.update(fraction=0, score=0, state="gave_up")
    analysis = quiz_item_analysis(course=fixture.course, quiz=fixture.quiz)
    assert analysis.alpha is None and analysis.kr20 is None
    assert "random pools" in analysis.reliability_note
    drawn_once = next(item for item in analysis.items if item.question_id == extra.pk)
    assert drawn_once.attempt_count == 1 and drawn_once.discrimination is None


def test_a_quiz_without_submitted_attempts_has_an_empty_analysis():
    course = CourseFactory()
    quiz = fixed_quiz([make_question()])
    analysis = quiz_item_analysis(course=course, quiz=quiz)
    assert analysis.items == [] and analysis.attempt_count == 0 and analysis.alpha is None


def test_the_analysis_page_shows_the_figures_and_the_flag(client, fixture):
    client.force_login(fixture.instructor)
    page = client.get(reverse("teach:analysis", args=[fixture.course.slug, fixture.quiz.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "0.237" in html  # Cronbach's alpha, to three places
    assert "40.0%" in html and "54.8%" in html and "0.583" in html
    assert "-0.281" in html and "Negative" in html
    assert "1 question with negative discrimination" in html
    assert "Mazhilis" in html and "No answer" in html


def test_the_analysis_page_of_an_unattempted_quiz_says_so(client):
    course = CourseFactory()
    teacher = enrol(course, role="instructor")
    quiz = fixed_quiz([make_question()], course=course)
    client.force_login(teacher)
    page = client.get(reverse("teach:analysis", args=[course.slug, quiz.pk]))
    assert page.status_code == 200
    assert "No submitted attempts yet." in page.content.decode()
