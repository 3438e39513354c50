"""What a flashcard shows: a question card of every type offers what the question offers on its
front and shows its key on its back, from the version the learner reviewed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from quizzes.models import Question
from quizzes.qtypes.matching import ARROW
from quizzes.selectors.study import card_faces
from tests.factories import UserFactory, question_of_each_type
from tests.key_leaks import TYPES
from tests.study_factories import question_card

pytestmark = pytest.mark.django_db


def question_of(qtype: str) -> Question:
    """A published question of this type, from the factories' hand-checked data."""
    return question_of_each_type()[qtype]


def faces_of(question: Question):
    return card_faces(question_card(UserFactory(), question, due=timezone.now()))


@pytest.mark.parametrize("qtype", sorted(TYPES))
def test_every_question_types_card_shows_its_key_on_the_back(qtype):
    question = question_of(qtype)
    version = question.current_version
    faces = faces_of(question)
    key = version.type.correct_texts(version.payload)
    assert key and faces.key.items == key == faces.answers
    assert faces.key.label
    assert faces.front == version.stem


def test_a_matching_card_offers_both_sides_on_its_front_and_its_pairs_on_its_back():
    version = question_of("matching").current_version
    faces = faces_of(version.question)
    lefts = [left["text"] for left in version.payload["lefts"]]
    rights = [right["text"] for right in version.payload["rights"]]
    offered_lefts, offered_rights = faces.prompts
    assert offered_lefts.items == lefts
    assert sorted(offered_rights.items) == sorted(rights)
    rights_by_key = {right["key"]: right["text"] for right in version.payload["rights"]}
    pairs = [
        f"{left['text']}{ARROW}{rights_by_key[left['match']]}" for left in version.payload["lefts"]
    ]
    assert faces.key.items == pairs and faces.key.label == "Right pairs"


def test_an_ordering_card_offers_its_items_out_of_order_and_its_back_in_order():
    version = question_of("ordering").current_version
    faces = faces_of(version.question)
    right_order = [item["text"] for item in version.payload["items"]]
    (prompt,) = faces.prompts
    assert sorted(prompt.items) == sorted(right_order) and prompt.items != right_order
    assert faces.key.items == right_order and faces.key.is_ordered


@pytest.mark.parametrize("qtype", ["single_choice", "multiple_response"])
def test_a_choice_card_offers_every_choice_and_shows_the_right_ones(qtype):
    version = question_of(qtype).current_version
    faces = faces_of(version.question)
    choices = version.payload["choices"]
    assert [p.items for p in faces.prompts] == [[c["text"] for c in choices]]
    assert faces.key.items == [c["text"] for c in choices if c["correct"]]


@pytest.mark.parametrize("qtype", ["true_false", "short_answer", "numeric"])
def test_a_card_to_answer_from_memory_offers_nothing_but_its_stem(qtype):
    assert faces_of(question_of(qtype)).prompts == []
