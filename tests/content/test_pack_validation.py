"""validate_content on broken packs: every error is reported with its file and line."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.content_pack import PACKS_DIR, read_pack

ARTICLE = """\
slug: tiny
title: Tiny Article
author: T. Author
sections:
  - slug: one
    heading: One
"""
SUMMARY = " ".join(["word"] * 160)


def write_pack(
    tmp_path: Path,
    questions: str,
    concepts: str = "[{slug: sky, term: Sky, definition: Up.}]",
    quizzes: str | None = None,
) -> Path:
    pack = tmp_path / "tiny"
    pack.mkdir()
    (pack / "article.yaml").write_text(ARTICLE)
    (pack / "01-one.yaml").write_text(
        "section: one\nsummary:\n  overview: " + SUMMARY + "\n  key_points: [a, b, c]\n"
        f"concepts: {concepts}\nquestions:\n" + textwrap.indent(textwrap.dedent(questions), "  ")
    )
    if quizzes is not None:
        (pack / "quizzes.yaml").write_text(quizzes)
    return pack


GOOD = """\
- id: one-01
  type: true_false
  difficulty: 1
  bloom: remember
  concepts: [sky]
  stem: The sky is blue.
  answer: true
  explanation: It is.
  source_quote: one two three four five six seven eight
"""


def test_a_valid_pack_has_no_errors(tmp_path):
    _, errors = read_pack(write_pack(tmp_path, GOOD))
    assert errors == []


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (GOOD.replace("true_false", "essay"), "01-one.yaml:7: type 'essay'"),
        (
            GOOD.replace("difficulty: 1", "difficulty: 5"),
            "01-one.yaml:7: question one-01: difficulty",
        ),
        (
            GOOD.replace("answer: true", "answer: perhaps"),
            "01-one.yaml:7: question one-01: answer: must be true or false",
        ),
        (GOOD.replace("bloom: remember", "bloom: memorise"), "bloom must be one of"),
        (GOOD.replace("stem:", "stme:"), "unknown field 'stme'"),
        (GOOD + GOOD.replace("one-01", "one-02"), "01-one.yaml:16: same stem as"),
        (
            GOOD + GOOD.replace("The sky", "Grass"),
            "01-one.yaml:16: question id 'one-01' is used twice",
        ),
        (GOOD.replace("seven eight", "seven"), "source_quote has 7 words"),
        (
            GOOD.replace("concepts: [sky]", "concepts: [nope]"),
            "unknown concept 'nope'",
        ),
        (GOOD.replace("concepts: [sky]", "concepts: []"), "tag at least one concept"),
        (
            """\
- id: one-01
  type: single_choice
  difficulty: 1
  bloom: remember
  stem: Which?
  choices:
    - {text: A, correct: true}
    - {text: B}
  explanation: A.
  source_quote: one two three four five six seven eight
""",
            "01-one.yaml:7: question one-01: choices: give at least two wrong choices",
        ),
        (
            """\
- id: one-01
  type: short_answer
  difficulty: 1
  bloom: remember
  stem: Which?
  accepted: []
  explanation: A.
  source_quote: one two three four five six seven eight
""",
            "accepted: give at least one accepted answer",
        ),
        (
            """\
- id: one-01
  type: numeric
  difficulty: 1
  bloom: remember
  stem: Which?
  answer: 12
  explanation: A.
  source_quote: one two three four five six seven eight
""",
            "tolerance: must be a number",
        ),
        ("- id: [unclosed\n", "01-one.yaml:"),
    ],
)
def test_each_problem_is_reported_with_file_and_line(tmp_path, questions, expected):
    _, errors = read_pack(write_pack(tmp_path, questions))
    assert any(expected in error for error in errors), errors


def test_a_quiz_drawing_more_than_its_pool_holds_is_reported(tmp_path):
    quizzes = "quizzes:\n  - key: q\n    title: Q\n    mode: graded\n    slots:\n      - pool: {section: one, count: 3}\n"
    _, errors = read_pack(write_pack(tmp_path, GOOD, quizzes=quizzes))
    assert errors == ["tiny/quizzes.yaml:2: quiz q slot 1: draws 3 but the pool has 1 questions."]


def test_the_command_prints_every_error_and_exits_non_zero(tmp_path, capsys):
    questions = GOOD.replace("difficulty: 1", "difficulty: 9") + GOOD
    # Higher-order, so the Bloom balance (a quarter at apply or above) adds no fourth error.
    pack = write_pack(tmp_path, questions.replace("bloom: remember", "bloom: analyze"))
    with pytest.raises(CommandError, match="3 error"):
        call_command("validate_content", "--pack", str(pack))
    err = capsys.readouterr().err
    assert "01-one.yaml:7:" in err and "01-one.yaml:16:" in err


def test_the_command_passes_on_the_shipped_pack(capsys):
    call_command("validate_content")
    assert "9 sections" in capsys.readouterr().out


@pytest.mark.needs_article
def test_the_command_checks_quotes_against_the_article(article_path, tmp_path, capsys):
    call_command("validate_content", "--article", str(article_path))
    assert "every source quote verbatim" in capsys.readouterr().out
    copy = tmp_path / "human-rights-reforms-in-kazakhstan"
    shutil.copytree(PACKS_DIR / copy.name, copy)
    section = copy / "04-law-enforcement-abuse.yaml"
    text = section.read_text()
    first_quote = text.index("source_quote:")
    section.write_text(
        text[:first_quote]
        + "source_quote: not a passage of the article at all, this one\n    old_"
        + text[first_quote:]
    )
    with pytest.raises(CommandError):
        call_command("validate_content", "--pack", str(copy), "--article", str(article_path))
    assert "04-law-enforcement-abuse.yaml:" in capsys.readouterr().err


def test_missing_pack_or_article_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such pack"):
        call_command("validate_content", "--pack", str(tmp_path / "nope"))
    with pytest.raises(CommandError):
        call_command("validate_content", "--article", str(tmp_path / "nope.md"))


WAITING_QUIZ = (
    "quizzes:\n  - key: q\n    title: Q\n    mode: graded\n{rules}"
    "    slots:\n      - question: one-01\n"
)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("    max_attempts: 2\n    review_key_after_last_attempt: true\n", []),
        (
            "    max_attempts: 2\n    review_key_after_last_attempt: later\n",
            ["tiny/quizzes.yaml:2: quiz q: review_key_after_last_attempt must be true or false."],
        ),
        (
            "    review_key_after_last_attempt: true\n",
            [
                "tiny/quizzes.yaml:2: quiz q: review_key_after_last_attempt needs max_attempts "
                "(with unlimited attempts there is no last attempt, and the review would never "
                "show the key)."
            ],
        ),
    ],
)
def test_a_review_that_waits_for_the_last_attempt_needs_an_attempt_limit(tmp_path, rules, expected):
    quizzes = WAITING_QUIZ.format(rules=rules)
    pack, errors = read_pack(write_pack(tmp_path, GOOD, quizzes=quizzes))
    assert errors == expected
    if not expected:
        assert pack.quizzes[0].fields["review_key_after_last_attempt"] is True
