"""A content pack is input from outside (`load_content --pack DIR`): a value that its column
cannot hold is refused by the pack validator, with its file, line, object and field, so that
`validate_content` fails on it and `load_content` refuses the pack with a CommandError (not a
traceback) and changes nothing in the database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.content_pack import PACKS_DIR, read_pack
from quizzes.models import (
    Article,
    Concept,
    Question,
    QuestionVersion,
    Quiz,
    QuizSlot,
    Section,
    Summary,
    Tag,
)
from tests.content.test_content_pack_load import edit_section_file
from tests.content.test_pack_validation import GOOD, write_pack

pytestmark = pytest.mark.django_db
PACK = PACKS_DIR / "human-rights-reforms-in-kazakhstan"
ROOT = Path(__file__).resolve().parents[2]

WHOLE_NUMBER = "must be a whole number from 1 to 32767 (or null)."
PASS_MARK = "pass_mark must be a number from 0 to 100, with at most 2 decimal places."
MARK = "mark must be a number more than 0 and at most 9999.99, with at most 2 decimal places."
TRUE_OR_FALSE = "must be true or false."


def database_state() -> dict[str, list]:
    """Every row a load writes, with what an update would change."""
    return {
        "articles": list(Article.objects.order_by("pk").values_list("pk", "title", "author")),
        "sections": list(Section.objects.order_by("pk").values_list("pk", "slug", "heading")),
        "summaries": list(Summary.objects.order_by("pk").values_list("pk", "updated_at")),
        "concepts": list(Concept.objects.order_by("pk").values_list("pk", "term", "definition")),
        "questions": list(
            Question.objects.order_by("pk").values_list("pk", "key", "current_version", "status")
        ),
        "versions": list(QuestionVersion.objects.order_by("pk").values_list("pk")),
        "quizzes": list(Quiz.objects.order_by("pk").values_list("pk", "updated_at")),
        "slots": list(QuizSlot.objects.order_by("pk").values_list("pk", "mark", "pool_count")),
        "tags": list(Tag.objects.order_by("pk").values_list("pk", "name")),
    }


def copy_pack(tmp_path: Path) -> Path:
    copy = tmp_path / PACK.name
    shutil.copytree(PACK, copy)
    return copy


def with_final_exam(tmp_path: Path, edit) -> Path:
    """A copy of the shipped pack whose Final exam (in quizzes.yaml) is edited."""
    copy = copy_pack(tmp_path)

    def edit_final(data):
        edit(next(quiz for quiz in data["quizzes"] if quiz["key"] == "final-exam"))

    edit_section_file(copy, "quizzes.yaml", edit_final)
    return copy


def assert_refused_and_nothing_loaded(pack: Path, message: str, capsys) -> None:
    """validate_content fails with the message; load_content refuses the pack with it, as a
    CommandError (exit status 1), and the database is as it was."""
    before = database_state()
    with pytest.raises(CommandError):
        call_command("validate_content", "--pack", str(pack))
    assert message in capsys.readouterr().err
    with pytest.raises(CommandError, match="nothing was loaded") as refused:
        call_command("load_content", "--pack", str(pack))
    assert message in str(refused.value)
    assert refused.value.returncode == 1
    assert database_state() == before


QUIZ_VALUES = [
    ("time_limit_minutes", -5, f"time_limit_minutes {WHOLE_NUMBER}"),
    ("time_limit_minutes", 0, f"time_limit_minutes {WHOLE_NUMBER}"),
    ("time_limit_minutes", 10**6, f"time_limit_minutes {WHOLE_NUMBER}"),
    ("time_limit_minutes", 1.5, f"time_limit_minutes {WHOLE_NUMBER}"),
    ("time_limit_minutes", "ten", f"time_limit_minutes {WHOLE_NUMBER}"),
    ("time_limit_minutes", [36], f"time_limit_minutes {WHOLE_NUMBER}"),
    ("time_limit_minutes", True, f"time_limit_minutes {WHOLE_NUMBER}"),
    ("max_attempts", 0, f"max_attempts {WHOLE_NUMBER}"),
    ("max_attempts", -1, f"max_attempts {WHOLE_NUMBER}"),
    ("max_attempts", 10**12, f"max_attempts {WHOLE_NUMBER}"),
    ("max_attempts", 40000, f"max_attempts {WHOLE_NUMBER}"),
    ("max_attempts", "two", f"max_attempts {WHOLE_NUMBER}"),
    ("max_attempts", False, f"max_attempts {WHOLE_NUMBER}"),
    ("pass_mark", 101, PASS_MARK),
    ("pass_mark", -1, PASS_MARK),
    ("pass_mark", 60.125, PASS_MARK),
    ("pass_mark", "sixty", PASS_MARK),
    ("pass_mark", None, PASS_MARK),
    ("pass_mark", [60], PASS_MARK),
    ("pass_mark", float("nan"), PASS_MARK),
    ("pass_mark", float("inf"), PASS_MARK),
    ("review_timing", "later", "review_timing must be one of after_submit, after_close or never."),
    ("review_timing", None, "review_timing must be one of after_submit, after_close or never."),
    ("layout", "grid", "layout must be one_per_page or all_on_one_page."),
    ("layout", None, "layout must be one_per_page or all_on_one_page."),
    ("shuffle_questions", "yes", f"shuffle_questions {TRUE_OR_FALSE}"),
    ("shuffle_questions", None, f"shuffle_questions {TRUE_OR_FALSE}"),
    ("shuffle_choices", 2, f"shuffle_choices {TRUE_OR_FALSE}"),
    ("review_shows_correct", "maybe", f"review_shows_correct {TRUE_OR_FALSE}"),
    ("review_shows_explanation", None, f"review_shows_explanation {TRUE_OR_FALSE}"),
    ("description", None, "description must be text."),
    ("description", ["two", "lines"], "description must be text."),
    ("title", "x" * 301, "title must be text of at most 300 characters."),
]


@pytest.mark.parametrize(
    ("field", "value", "message"), QUIZ_VALUES, ids=[f"{f}={v!r}"[:40] for f, v, _ in QUIZ_VALUES]
)
def test_a_pack_quiz_with_an_out_of_range_value_is_refused_and_loads_nothing(
    tmp_path, capsys, field, value, message
):
    pack = with_final_exam(tmp_path, lambda quiz: quiz.update({field: value}))
    assert_refused_and_nothing_loaded(pack, f": quiz final-exam: {message}", capsys)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("Final Exam", "key 'Final Exam': use lowercase letters, digits and hyphens."),
        ("k" * 101, "key must be text of at most 100 characters."),
    ],
)
def test_a_pack_quiz_key_its_column_cannot_hold_is_refused_and_loads_nothing(
    tmp_path, capsys, key, message
):
    pack = with_final_exam(tmp_path, lambda quiz: quiz.update({"key": key}))
    assert_refused_and_nothing_loaded(pack, message, capsys)


def first_slot(change):
    def edit(quiz):
        quiz["slots"][0] = change(dict(quiz["slots"][0]))

    return edit


SLOT_VALUES = [
    ("mark 0", lambda slot: {**slot, "mark": 0}, MARK),
    ("mark -2", lambda slot: {**slot, "mark": -2}, MARK),
    ("mark 1.555", lambda slot: {**slot, "mark": 1.555}, MARK),
    ("mark 10**7", lambda slot: {**slot, "mark": 10**7}, MARK),
    ("mark text", lambda slot: {**slot, "mark": "abc"}, MARK),
    ("mark null", lambda slot: {**slot, "mark": None}, MARK),
    ("mark list", lambda slot: {**slot, "mark": [1]}, MARK),
    ("unknown field", lambda slot: {**slot, "marks": 2}, "unknown field 'marks'."),
    (
        "question and pool",
        lambda slot: {**slot, "question": "introduction-01"},
        "give a question id or a pool {section, concept, difficulty, tag, count}.",
    ),
    (
        "count true",
        lambda slot: {"pool": {**slot["pool"], "count": True}},
        "count must be a whole number from 1 to 32767.",
    ),
    (
        "tag list",
        lambda slot: {"pool": {**slot["pool"], "tag": ["exam-anchor"]}},
        "tag must be a tag name.",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [(change, message) for _, change, message in SLOT_VALUES],
    ids=[name for name, _, _ in SLOT_VALUES],
)
def test_a_pack_quiz_slot_with_a_value_its_column_cannot_hold_is_refused_and_loads_nothing(
    tmp_path, capsys, change, message
):
    pack = with_final_exam(tmp_path, first_slot(change))
    assert_refused_and_nothing_loaded(pack, f": quiz final-exam slot 1: {message}", capsys)


def test_a_pack_quiz_whose_marks_add_up_to_more_than_an_attempt_holds_is_refused(tmp_path, capsys):
    questions = "".join(
        GOOD.replace("one-01", f"one-{n:03}").replace("The sky is blue.", f"Sky {n}?")
        for n in range(101)
    )
    quizzes = (
        "quizzes:\n  - key: q\n    title: Q\n    mode: graded\n"
        "    slots:\n      - {pool: {section: one, count: 101}, mark: 9999.99}\n"
    )
    pack = write_pack(
        tmp_path, questions.replace("bloom: remember", "bloom: analyze"), quizzes=quizzes
    )
    assert_refused_and_nothing_loaded(
        pack,
        "tiny/quizzes.yaml:2: quiz q: the marks add up to 1009998.99 (a pool counts its mark "
        "once per question drawn); an attempt holds at most 999999.99.",
        capsys,
    )


def edit_first_question(field, value):
    def edit(data):
        data["questions"][0][field] = value

    return edit


def edit_first_concept(field, value):
    def edit(data):
        data["concepts"][0][field] = value

    return edit


def edit_article(field, value):
    def edit(data):
        data[field] = value

    return edit


def edit_first_heading(value):
    def edit(data):
        data["sections"][0]["heading"] = value

    return edit


def edit_key_points(data):
    data["summary"]["key_points"][0] += "\x00"


PACK_VALUES = [
    (
        "question id",
        "01-introduction.yaml",
        edit_first_question("id", "a" * 101),
        f"question {'a' * 101}: id must be text of at most 100 characters.",
    ),
    (
        "NUL in a stem",
        "01-introduction.yaml",
        edit_first_question("stem", "Which\x00one?"),
        "questions[1].stem: holds a NUL character, which no field stores.",
    ),
    (
        "surrogate in an explanation",
        "01-introduction.yaml",
        edit_first_question("explanation", "Half a pair: \ud800."),
        "questions[1].explanation: holds half of a UTF-16 surrogate pair, which no field stores.",
    ),
    (
        "NUL in a key point",
        "01-introduction.yaml",
        edit_key_points,
        "summary.key_points[1]: holds a NUL character, which no field stores.",
    ),
    (
        "stem longer than the editor saves",
        "01-introduction.yaml",
        edit_first_question("stem", "Which " + "s" * 4000 + "?"),
        "stem: must be at most 4,000 characters (it has 4,007).",
    ),
    (
        "explanation longer than the editor saves",
        "01-introduction.yaml",
        edit_first_question("explanation", "e" * 4001),
        "explanation: must be at most 4,000 characters (it has 4,001).",
    ),
    (
        "concept term",
        "01-introduction.yaml",
        edit_first_concept("term", "t" * 201),
        "term must be text of at most 200 characters.",
    ),
    (
        "concept slug",
        "01-introduction.yaml",
        edit_first_concept("slug", "s" * 121),
        "slug must be text of at most 120 characters.",
    ),
    (
        "article title",
        "article.yaml",
        edit_article("title", "t" * 301),
        "article.yaml:1: title must be text of at most 300 characters.",
    ),
    (
        "article author",
        "article.yaml",
        edit_article("author", "a" * 201),
        "article.yaml:1: author must be text of at most 200 characters.",
    ),
    (
        "article source",
        "article.yaml",
        edit_article("source", "s" * 201),
        "article.yaml:1: source must be text of at most 200 characters.",
    ),
    (
        "section heading",
        "article.yaml",
        edit_first_heading("h" * 301),
        "section introduction: heading must be text of at most 300 characters.",
    ),
]


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [(file, edit, message) for _, file, edit, message in PACK_VALUES],
    ids=[name for name, _, _, _ in PACK_VALUES],
)
def test_a_pack_text_its_column_cannot_hold_is_refused_and_loads_nothing(
    tmp_path, capsys, file, edit, message
):
    copy = copy_pack(tmp_path)
    edit_section_file(copy, file, edit)
    assert_refused_and_nothing_loaded(copy, message, capsys)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("? [a, b]\n: 1\n", "01-one.yaml:1: invalid YAML"),
        ("[" * 2000 + "]" * 2000, "01-one.yaml: invalid YAML (nested too deeply)."),
    ],
    ids=["list as a key", "nested too deeply"],
)
def test_a_pack_file_that_reads_as_no_mapping_of_fields_is_an_error_not_a_traceback(
    tmp_path, capsys, text, message
):
    pack = write_pack(tmp_path, GOOD)
    (pack / "01-one.yaml").write_text(text)
    _, errors = read_pack(pack)
    assert any(message in error for error in errors), errors
    assert_refused_and_nothing_loaded(pack, message, capsys)


def test_load_content_refuses_a_pack_that_moves_a_loaded_section_and_changes_nothing(tmp_path):
    """Sections follow the article's order: a pack that swaps two of them would give one
    section's slug and heading to the other's place. The validator cannot see it (the pack is
    valid on its own); the loader says which section moved and loads nothing."""
    copy = copy_pack(tmp_path)

    def swap_first_two_sections(data):
        data["sections"][:2] = reversed(data["sections"][:2])

    edit_section_file(copy, "article.yaml", swap_first_two_sections)
    assert read_pack(copy)[1] == []
    before = database_state()
    with pytest.raises(CommandError, match="is section 1 of the loaded article, not 2: sections"):
        call_command("load_content", "--pack", str(copy))
    assert database_state() == before


def test_load_content_on_a_bad_pack_exits_1_with_the_message_and_no_traceback(tmp_path):
    pack = with_final_exam(tmp_path, lambda quiz: quiz.update({"time_limit_minutes": 0}))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kzstudy.settings_test",
        # The pack is refused before any query: an empty database shows that nothing is read.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "load_content", "--pack", str(pack)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert f"quiz final-exam: time_limit_minutes {WHOLE_NUMBER}" in run.stderr, run.stderr
