"""GIFT: reading hand-written files the way Moodle does, and writing what Moodle reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.exchange import ExchangeItem, parse_gift, write_gift
from quizzes.exchange.gift import escape

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gift"


@pytest.fixture(scope="module")
def sample():
    result = parse_gift((FIXTURES / "all_types.txt").read_text(encoding="utf-8"))
    return result, {item.name: item for item in result.items}


def test_the_hand_written_sample_reads_without_errors_and_skips_the_category(sample):
    result, items = sample
    assert result.errors == []
    assert result.notes == ["line 4: category line ignored (questions go to the chosen course)."]
    assert len(items) == 8


def test_single_choice_keeps_feedback_explanation_and_metadata(sample):
    item = sample[1]["capital-moved"]
    assert item.qtype == "single_choice"
    assert item.data["choices"][0] == {"text": "1997", "correct": True, "feedback": "Yes."}
    assert [c["correct"] for c in item.data["choices"]] == [True, False, False]
    assert item.explanation == "The capital moved in 1997."
    assert (item.section, item.difficulty, item.bloom) == ("introduction", 1, "remember")
    assert item.concepts == ["oecd-membership"] and item.where == "line 7"


def test_weights_make_a_multiple_response_question(sample):
    item = sample[1]["osce-and-un"]
    assert item.qtype == "multiple_response"
    assert [c["correct"] for c in item.data["choices"]] == [True, True, False, False]


def test_true_false_keeps_the_feedback_for_a_wrong_answer(sample):
    item = sample[1]["rally-law"]
    assert item.data == {"answer": True, "feedback": "The 2020 law changed this."}
    assert item.explanation == "Notification replaced permission."


def test_short_answer_numeric_range_and_matching_distractor(sample):
    items = sample[1]
    assert items["benchmark"].data["accepted"] == [
        "OECD",
        "Organisation for Economic Co-operation and Development",
    ]
    assert items["target-year"].data == {"answer": "2050", "tolerance": "1"}
    matching = items["who-does-what"].data
    assert matching["pairs"][0] == {"left": "Police", "right": "Investigate crimes"}
    assert matching["distractors"] == ["Run the elections"]


def test_escaped_special_characters_and_the_html_format_tag_are_decoded(sample):
    item = sample[1]["escapes: all of them"]
    assert item.stem == "Which sign is written = in GIFT, and what do { braces } hold?"
    first = item.data["choices"][0]
    assert first["text"] == "The equals sign = and answers in { }"
    assert first["feedback"] == "Escaped with a backslash: \\ itself too."
    assert [c["text"] for c in item.data["choices"][1:]] == ["A tilde ~", "A hash #"]


def test_answers_inside_the_text_leave_a_blank(sample):
    item = sample[1]["missing-word"]
    assert item.stem == "The 2020 law requires a _____ for peaceful rallies."


def test_every_error_is_reported_with_its_line():
    result = parse_gift((FIXTURES / "errors.txt").read_text(encoding="utf-8"))
    assert result.errors == [
        "line 5: essay questions (empty {}) cannot be imported.",
        "line 7: no answers in {...}; descriptions cannot be imported.",
        "line 9: 'many' is not a number (write 2050 or 2050:1).",
        "line 11: difficulty must be 1, 2 or 3, not 'hard'.",
        "line 14: no answers in {...}; descriptions cannot be imported.",
    ]


def test_partial_credit_on_a_single_choice_answer_is_an_error():
    result = parse_gift("::q::Pick{=a ~%50%b ~c}")
    assert result.errors == [
        "line 1: partial credit (50%) on a single-choice answer cannot be kept."
    ]


def test_a_file_of_comments_only_is_an_error():
    assert parse_gift("// nothing here\n").errors == ["line 1: the file holds no GIFT questions."]


@pytest.mark.parametrize("text", ["a~b", "x=y", "#1", "{c}", "a: b", "back\\slash", "two\nlines"])
def test_escaping_special_characters_round_trips(text):
    item = ExchangeItem(
        qtype="short_answer", stem=f"Stem {text}", data={"accepted": [text]}, name="q"
    )
    parsed = parse_gift(write_gift([item]).text)
    assert parsed.errors == []
    assert parsed.items[0].stem == f"Stem {text}"
    assert parsed.items[0].data["accepted"] == [text]


def test_escape_covers_every_character_moodle_escapes():
    assert escape("~=#{}:\\\n") == "\\~\\=\\#\\{\\}\\:\\\\\\n"


def test_multiple_response_is_written_with_equal_positive_and_negative_weights():
    item = ExchangeItem(
        qtype="multiple_response",
        stem="Pick",
        name="mr",
        data={
            "choices": [
                {"text": "a", "correct": True},
                {"text": "b", "correct": True},
                {"text": "c", "correct": True},
                {"text": "d", "correct": False},
                {"text": "e", "correct": False},
            ]
        },
    )
    text = write_gift([item]).text
    assert text.count("~%33.33333%") == 3 and text.count("~%-50%") == 2


def test_metadata_values_with_semicolons_survive_the_comment_line():
    item = ExchangeItem(
        qtype="true_false",
        stem="True?",
        name="tf",
        data={"answer": False, "feedback": ""},
        source_quote="one; two = three\\four",
        section="introduction",
        difficulty=3,
        concepts=["a", "b"],
    )
    text = write_gift([item]).text
    assert (
        "// kz: section=introduction; difficulty=3; concept=a; concept=b; quote=one\\; two" in text
    )
    parsed = parse_gift(text).items[0]
    assert parsed.source_quote == "one; two = three\\four"
    assert (parsed.difficulty, parsed.concepts) == (3, ["a", "b"])


def test_ordering_questions_are_skipped_with_a_comment_and_reported():
    ordering = ExchangeItem(qtype="ordering", stem="Order", name="ord", data={"items": ["a", "b"]})
    single = ExchangeItem(
        qtype="single_choice",
        stem="One",
        name="one",
        data={"choices": [{"text": "x", "correct": True}, {"text": "y"}, {"text": "z"}]},
    )
    result = write_gift([ordering, single])
    assert result.count == 1
    assert result.skipped == ["ord: GIFT has no ordering type; export it as Moodle XML or JSON."]
    assert "// Skipped ordering question 'ord'" in result.text
    assert [item.name for item in parse_gift(result.text).items] == ["one"]


def test_a_file_in_the_shape_moodle_exports_reads_back():
    result = parse_gift((FIXTURES / "moodle_style.txt").read_text(encoding="utf-8"))
    assert result.errors == []
    items = {item.name: item for item in result.items}
    assert items["Benchmark"].stem == "Which organisation is the benchmark?"
    assert items["Benchmark"].data["accepted"] == [
        "OECD",
        "Organisation for Economic Co-operation and Development",
    ]
    assert items["Target year"].data == {"answer": "2050", "tolerance": "0"}
    assert items["Rally law"].data == {"answer": True, "feedback": "A permit is no longer needed."}
    achieved = items["Achieved"]
    assert [c["correct"] for c in achieved.data["choices"]] == [True, True, False]
    assert achieved.explanation == "See the introduction."


@pytest.mark.parametrize("text", ["[html]<b>not bold</b>", "[plain] x", "%50% of it", "%-100%"])
def test_a_text_starting_like_a_format_tag_or_a_weight_reads_back_as_written(text):
    item = ExchangeItem(
        qtype="single_choice",
        stem=text,
        data={
            "choices": [
                {"text": text, "correct": True, "feedback": text},
                {"text": "b", "correct": False, "feedback": ""},
                {"text": "c", "correct": False, "feedback": ""},
            ]
        },
        name="q",
        explanation=text,
    )
    (read,) = parse_gift(write_gift([item]).text).items
    assert (read.stem, read.explanation) == (text, text)
    assert read.data["choices"][0] == {"text": text, "correct": True, "feedback": text}


def test_a_short_answer_with_an_arrow_is_left_out_with_the_reason_not_turned_into_matching():
    item = ExchangeItem(
        qtype="short_answer", stem="Arrow?", data={"accepted": ["a -> b"]}, name="q"
    )
    written = write_gift([item])
    assert written.count == 0
    assert written.skipped == [
        "q: an accepted answer contains '->', which GIFT reads as a matching question."
    ]


def test_partial_credit_on_a_numeric_answer_is_an_error_not_dropped_silently():
    result = parse_gift("::q::Born?{#=1822:0 =%50%1822:2}")
    assert result.errors == ["line 1: partial credit (50%) on answer '1822:2' cannot be kept."]


@pytest.mark.parametrize("value", ["²", "١", "9" * 5000])
def test_a_difficulty_of_non_ascii_or_thousands_of_digits_is_an_error_not_a_crash(value):
    result = parse_gift(f"// kz: difficulty={value}\n::Q:: Sky is blue {{T}}\n")
    assert len(result.errors) == 1
    assert result.errors[0].startswith("line 1: difficulty must be 1, 2 or 3, not ")
