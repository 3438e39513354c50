"""validate_content's exam-draw checks (an anchor pool asks the same question every attempt,
the other pools of a retakeable exam can differ, practice draws untagged questions) and how the
command reports cues: all at once, by file and line, failing like errors."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from quizzes.content_checks import check_exam_draws
from quizzes.content_pack import read_pack
from tests.content.test_pack_tags import question, quiz, quizzes
from tests.content.test_pack_validation import write_pack


def anchor(key: str, **changes: str) -> str:
    """A hard, higher-order question tagged as its section's exam anchor."""
    text = question(key, tags="[exam, exam-anchor]")
    text = text.replace("difficulty: 1", "difficulty: 3").replace("bloom: remember", "bloom: apply")
    for old, new in changes.items():
        text = text.replace(old, new)
    return text


def medium_exam(key: str) -> str:
    return question(key, tags="[exam]").replace("difficulty: 1", "difficulty: 2")


FINAL_POOLS = (
    "      - pool: {section: one, tag: exam-anchor, count: 1}\n"
    "      - pool: {section: one, tag: exam, difficulty: 2, count: 1}\n"
)


def final(attempts: int = 2) -> str:
    return (
        "  - key: final\n    title: Final\n    mode: graded\n    exam_protection: exam_only\n"
        f"    max_attempts: {attempts}\n    slots:\n" + FINAL_POOLS
    )


def draws(tmp_path, questions: str, text: str) -> list[str]:
    pack, errors = read_pack(write_pack(tmp_path, questions, quizzes=text))
    assert errors == []
    return [str(f) for f in check_exam_draws(pack)]


def test_one_anchor_and_two_medium_exam_questions_a_section_draw_well(tmp_path):
    bank = anchor("one-01") + medium_exam("one-02") + medium_exam("one-03")
    assert draws(tmp_path, bank, quizzes(final())) == []


def test_two_anchors_in_a_section_are_reported_since_attempts_would_differ(tmp_path):
    bank = anchor("one-01") + anchor("one-04") + medium_exam("one-02") + medium_exam("one-03")
    assert draws(tmp_path, bank, quizzes(final())) == [
        "tiny/quizzes.yaml:2: error [exam-draws]: quiz final slot 1: 2 questions tagged "
        "exam-anchor match, the slot asks 1; tag exactly 1."
    ]


def test_a_retakeable_exam_pool_that_always_draws_the_same_question_is_reported(tmp_path):
    bank = anchor("one-01") + medium_exam("one-02")
    assert draws(tmp_path, bank, quizzes(final())) == [
        "tiny/quizzes.yaml:2: error [exam-draws]: quiz final slot 2: draws 1 of 1 questions, "
        "so every attempt asks the same; give the pool more questions."
    ]
    # With one attempt there is no second attempt to differ.
    (tmp_path / "once").mkdir()
    assert draws(tmp_path / "once", bank, quizzes(final(attempts=1))) == []


def test_an_anchor_that_is_not_hard_and_higher_order_is_reported(tmp_path):
    bank = (
        anchor("one-01", **{"bloom: apply": "bloom: remember"})
        + medium_exam("one-02")
        + medium_exam("one-03")
    )
    assert draws(tmp_path, bank, quizzes(final())) == [
        "tiny/01-one.yaml:7: error [exam-draws]: question one-01: an exam-anchor question is "
        "higher-order (apply or above) and of difficulty 3."
    ]


def test_an_exam_question_no_exam_pool_can_draw_is_reported(tmp_path):
    hard = question("one-04", tags="[exam]").replace("difficulty: 1", "difficulty: 3")
    bank = anchor("one-01") + medium_exam("one-02") + medium_exam("one-03") + hard
    assert draws(tmp_path, bank, quizzes(final())) == [
        "tiny/01-one.yaml:37: error [exam-draws]: question one-04: tagged exam but no quiz's "
        "pool of that tag can draw it (check its difficulty and tags)."
    ]


def test_a_practice_pool_that_needs_tagged_questions_is_reported(tmp_path):
    bank = medium_exam("one-01") + question("one-02") + question("one-03")
    practice = quiz("practice", "practice", "{section: one, count: 3}")
    assert draws(tmp_path, bank, quizzes(practice)) == [
        "tiny/quizzes.yaml:2: error [exam-draws]: quiz practice slot 1: draws 3 but only 2 of "
        "its questions are untagged (tagged questions are kept for exams)."
    ]
    practice_two = quiz("practice", "practice", "{section: one, count: 2}")
    (tmp_path / "two").mkdir()
    assert draws(tmp_path / "two", bank, quizzes(practice_two)) == []


LONG_KEY = """\
- id: one-02
  type: single_choice
  difficulty: 2
  bloom: analyze
  concepts: [sky]
  stem: Which does the author argue?
  choices:
    - {text: "Reform at the centre, weakly carried out by local officials and courts", correct: true}
    - {text: Reform by local officials}
    - {text: Reform from abroad}
  explanation: Because.
  source_quote: one two three four five six seven eight
"""


def test_the_command_fails_on_a_cue_and_lists_it_with_file_and_line(tmp_path, capsys):
    pack = write_pack(tmp_path, question("one-01") + LONG_KEY)
    with pytest.raises(CommandError, match=r"0 error\(s\) and 1 cue\(s\) .*\(longest-key 1\)"):
        call_command("validate_content", "--pack", str(pack))
    captured = capsys.readouterr()
    assert captured.err.startswith("tiny/01-one.yaml:16: cue [longest-key]: question one-02:")
    assert "Bloom levels: remember 1, understand 0, apply 0, analyze 1" in captured.out


def test_the_command_lists_errors_and_cues_together_in_file_order(tmp_path, capsys):
    broken = question("one-01").replace("difficulty: 1", "difficulty: 7")
    pack = write_pack(tmp_path, LONG_KEY + broken)
    with pytest.raises(CommandError, match=r"1 error\(s\) and 1 cue\(s\)"):
        call_command("validate_content", "--pack", str(pack))
    lines = capsys.readouterr().err.splitlines()
    # The shape error is found first, on line 19; the cue on line 7 is listed before it.
    assert [line.split(": ")[0] for line in lines] == ["tiny/01-one.yaml:7", "tiny/01-one.yaml:19"]


def test_the_command_can_report_one_sections_file_only(tmp_path, capsys):
    pack = write_pack(tmp_path, question("one-01") + LONG_KEY)
    with pytest.raises(CommandError, match="1 cue"):
        call_command("validate_content", "--pack", str(pack), "--section", "one")
    with pytest.raises(CommandError, match="no section 'two'"):
        call_command("validate_content", "--pack", str(pack), "--section", "two")
