"""content_pack_load: idempotent, versioned, archiving; and the load_content command."""

from __future__ import annotations

import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command

from quizzes.content_pack import PACKS_DIR, read_pack
from quizzes.models import (
    Concept,
    Question,
    QuestionStatus,
    QuestionVersion,
    Quiz,
    Section,
    Summary,
)
from quizzes.services.content import content_pack_load
from tests.factories import make_attempt

pytestmark = pytest.mark.django_db
PACK = PACKS_DIR / "human-rights-reforms-in-kazakhstan"


def load(path=PACK):
    pack, errors = read_pack(path)
    assert errors == []
    return content_pack_load(pack=pack)


def table_state():
    return (
        list(QuestionVersion.objects.order_by("pk").values_list("pk", "content_hash")),
        list(
            Question.objects.order_by("pk").values_list(
                "pk", "status", "current_version", "updated_at"
            )
        ),
        list(Concept.objects.order_by("pk").values_list("pk", "definition")),
        list(Summary.objects.order_by("pk").values_list("pk", "updated_at")),
        list(Quiz.objects.order_by("pk").values_list("pk", "updated_at")),
    )


def test_the_shipped_pack_is_loaded_with_published_questions_and_quizzes():
    assert Section.objects.filter(article__slug=PACK.name).count() == 9
    assert Question.objects.published().filter(section__article__slug=PACK.name).count() >= 120
    assert Summary.objects.filter(section__article__slug=PACK.name).count() == 9
    final = Quiz.objects.get(key="final-exam")
    assert sum(s.pool_count for s in final.slots.all()) == 18
    assert (final.time_limit_minutes, final.max_attempts, final.pass_mark, final.mode) == (
        36,
        2,
        60,
        "graded",
    )


def test_loading_again_changes_nothing():
    before = table_state()
    report = load()
    assert report.changed is False
    assert table_state() == before


def edit_section_file(copy, name, edit):
    path = copy / name
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_a_changed_question_gets_a_new_version_and_attempts_keep_the_old(tmp_path):
    question = Question.objects.get(key="law-enforcement-abuse-01")
    old_version = question.current_version
    attempt = make_attempt(questions=[question])
    copy = tmp_path / PACK.name
    shutil.copytree(PACK, copy)

    def reword(data):
        data["questions"][0]["stem"] = "A reworded stem for this test?"

    edit_section_file(copy, "04-law-enforcement-abuse.yaml", reword)
    report = load(copy)
    assert report.counts["question revised"] == 1
    assert report.counts["question unchanged"] == Question.objects.published().count() - 1
    question.refresh_from_db()
    assert question.current_version.number == old_version.number + 1
    assert question.current_version.stem == "A reworded stem for this test?"
    old_version.refresh_from_db()
    assert old_version.stem != "A reworded stem for this test?"
    assert attempt.responses.get().question_version == old_version


def test_a_question_removed_from_the_pack_is_archived_not_deleted(tmp_path):
    # The section's last exam question: the Final exam still has three to draw two from, and
    # the practice quiz its ten (removing one of those would make the pack invalid).
    question = Question.objects.get(key="the-way-forward-11")
    make_attempt(questions=[question])
    copy = tmp_path / PACK.name
    shutil.copytree(PACK, copy)
    section_file = copy / "09-the-way-forward.yaml"
    text = section_file.read_text()
    start = text.index("  - id: the-way-forward-11")
    end = text.index("  - id: the-way-forward-12")
    section_file.write_text(text[:start] + text[end:])
    report = load(copy)
    assert report.counts["question archived"] == 1
    question.refresh_from_db()
    assert question.status == QuestionStatus.ARCHIVED
    assert question.versions.count() == 1


def test_load_content_refuses_an_invalid_pack_and_changes_nothing(tmp_path):
    copy = tmp_path / PACK.name
    shutil.copytree(PACK, copy)
    (copy / "05-womens-rights.yaml").write_text("section: womens-rights\nsummary: nope\n")
    before = table_state()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_content", "--pack", str(copy))
    assert table_state() == before


def test_load_content_says_when_nothing_changed(capsys):
    call_command("load_content")
    assert capsys.readouterr().out.startswith("Unchanged: human-rights-reforms-in-kazakhstan")
