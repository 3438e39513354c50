"""The shipped Final exam: every attempt asks each section's anchor question and one medium exam
question drawn at random from the section, so two attempts differ yet are alike in difficulty;
practice quizzes draw only untagged questions until the exam is closed to the learner; and its
review keeps the right answers for after the learner's last attempt (the anchors come back)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest

from quizzes import clock
from quizzes.content_checks import ANCHOR_TAG
from quizzes.content_pack import PACKS_DIR, read_pack
from quizzes.models import Attempt, Question, Quiz
from quizzes.selectors.review_policy import ReviewPolicy
from quizzes.services.attempts import attempt_start
from quizzes.services.quiz_assembly import quiz_pick_questions
from quizzes.services.submission import attempt_submit
from quizzes.tagging import EXAM_TAG
from tests.factories import course_with_learner

PACK = PACKS_DIR / "human-rights-reforms-in-kazakhstan"


@pytest.fixture(scope="module")
def pack():
    pack, errors = read_pack(PACK)
    assert errors == []
    return pack


def test_each_section_has_one_hard_higher_order_anchor_and_four_medium_exam_questions(pack):
    for section in pack.sections:
        questions = [q for q in pack.questions if q.section == section.slug]
        (anchor,) = [q for q in questions if ANCHOR_TAG in q.tags]
        assert EXAM_TAG in anchor.tags and anchor.difficulty == 3, anchor.key
        assert anchor.bloom in ("apply", "analyze", "evaluate", "create"), anchor.key
        medium = [q for q in questions if q.tags == [EXAM_TAG] and q.difficulty == 2]
        assert len(medium) >= 4, section.slug
        assert sum(not q.tags for q in questions) >= 10, section.slug


def test_the_final_exam_pairs_an_anchor_with_a_medium_exam_pool_in_every_section(pack):
    (final,) = [q for q in pack.quizzes if q.key == "final-exam"]
    fields = final.fields
    assert (fields["mode"], fields["exam_protection"]) == ("graded", "exam_only")
    assert (fields["time_limit_minutes"], fields["max_attempts"], fields["pass_mark"]) == (
        36,
        2,
        60,
    )
    assert [slot["pool"] for slot in final.slots] == [
        pool
        for s in pack.sections
        for pool in (
            {"section": s.slug, "tag": ANCHOR_TAG, "count": 1},
            {"section": s.slug, "tag": EXAM_TAG, "difficulty": 2, "count": 1},
        )
    ]


@pytest.mark.django_db
def test_every_attempt_asks_the_nine_anchors_and_one_medium_question_a_section():
    final = Quiz.objects.get(key="final-exam")
    shared = Question.objects.filter(course__isnull=True)
    anchors = set(shared.filter(tags__name=ANCHOR_TAG).values_list("pk", flat=True))
    medium = dict(
        shared.filter(tags__name=EXAM_TAG, difficulty=2)
        .exclude(tags__name=ANCHOR_TAG)
        .values_list("pk", "section__slug")
    )
    assert len(anchors) == 9
    draws = []
    for seed in range(12):
        picked = {p.question_id for p in quiz_pick_questions(quiz=final, rng=random.Random(seed))}
        assert len(picked) == 18 and anchors <= picked
        rest = picked - anchors
        assert rest <= set(medium)
        assert Counter(medium[q] for q in rest) == {slug: 1 for slug in set(medium.values())}
        draws.append(frozenset(rest))
    # The random half changes from attempt to attempt: a second attempt is not the first again.
    assert len(set(draws)) > 1


@pytest.mark.django_db
def test_an_attempt_at_the_shipped_final_exam_asks_18_questions_two_a_section_for_36_minutes():
    final = Quiz.objects.get(key="final-exam")
    course, learner = course_with_learner()
    attempt = attempt_start(quiz=final, user=learner, course=course, rng=random.Random(1))
    responses = list(attempt.responses.select_related("question__section"))
    assert len(responses) == 18 and attempt.max_score == 18
    assert set(Counter(r.question.section.slug for r in responses).values()) == {2}
    assert attempt.deadline == attempt.started_at + timedelta(minutes=36)


def test_the_final_exams_right_answers_wait_for_the_last_attempt(pack):
    """Both attempts ask the nine anchors: the review of the first must not give their keys."""
    (final,) = [q for q in pack.quizzes if q.key == "final-exam"]
    assert final.fields["max_attempts"] == 2
    assert final.fields["review_key_after_last_attempt"] is True


@pytest.mark.django_db
def test_the_shipped_final_exam_shows_its_key_only_after_the_second_attempt():
    final = Quiz.objects.get(key="final-exam")
    assert final.review_key_after_last_attempt
    course, learner = course_with_learner()

    def taken(seed: int) -> Attempt:
        attempt = attempt_start(quiz=final, user=learner, course=course, rng=random.Random(seed))
        attempt_submit(attempt_id=attempt.pk, user=learner)
        return Attempt.objects.select_related("quiz").get(pk=attempt.pk)

    first = taken(1)
    shown = ReviewPolicy.for_attempt(first, clock.now())
    assert shown.available and shown.key_after_last_attempt
    assert not shown.show_answers and not shown.show_explanations
    taken(2)
    shown = ReviewPolicy.for_attempt(first, clock.now())
    assert shown.show_answers and shown.show_explanations and not shown.key_after_last_attempt
