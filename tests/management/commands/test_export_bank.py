"""export_bank --format json: the published bank, keys as the learner sees them."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(tmp_path):
    path = tmp_path / "bank.json"
    call_command("export_bank", "--format", "json", "--output", str(path))
    return {item["key"]: item for item in json.loads(path.read_text())}


def test_every_published_question_is_exported_with_the_contract_fields(exported):
    assert len(exported) == Question.objects.published().count() >= 120
    for item in exported.values():
        assert {"id", "type", "stem", "choices", "correct", "section", "source_quote"} <= set(item)
        assert item["correct"], item["key"]
    question = Question.objects.get(key="law-enforcement-abuse-01")
    assert exported[question.key]["id"] == question.pk


def test_keys_are_texts_exactly_as_the_learner_sees_them(exported):
    by_type = {}
    for item in exported.values():
        by_type.setdefault(item["type"], item)
    choice = by_type["single_choice"]
    assert len(choice["correct"]) == 1 and choice["correct"][0] in choice["choices"]
    assert by_type["true_false"]["correct"][0] in ("True", "False")
    assert by_type["short_answer"]["choices"] == []
    assert float(by_type["numeric"]["correct"][0])
    assert all(" -> " in pair for pair in by_type["matching"]["correct"])
    ordering = by_type["ordering"]
    assert sorted(ordering["correct"]) == sorted(ordering["choices"])


def test_archived_questions_are_not_exported(tmp_path):
    Question.objects.filter(key="introduction-01").update(status="archived")
    path = tmp_path / "bank.json"
    call_command("export_bank", "--output", str(path))
    assert "introduction-01" not in {i["key"] for i in json.loads(path.read_text())}


def test_unknown_format_and_unwritable_output_are_errors(tmp_path):
    with pytest.raises(CommandError):
        call_command("export_bank", "--format", "docx")
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export_bank", "--output", str(tmp_path / "missing-dir" / "bank.json"))


def test_an_unknown_article_is_an_error_not_an_empty_bank(tmp_path):
    path = tmp_path / "bank.json"
    with pytest.raises(CommandError, match="no such article"):
        call_command("export_bank", "--article", "nosuch", "--output", str(path))
    assert not path.exists()
