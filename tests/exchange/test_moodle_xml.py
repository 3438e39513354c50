"""Moodle XML: hand-written samples of Moodle's documented format read correctly; the export has
the structure Moodle's importer reads; unsafe XML is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from quizzes.exchange import ExchangeItem, parse_moodle_xml, write_moodle_xml
from quizzes.qtypes import registry
from tests.exchange.samples import SAMPLE_ITEMS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "moodle"

# What Moodle's qformat_xml (and the ordering plugin) read, as paths below <question>.
READ_PATHS = {
    "@type",
    "name/text",
    "questiontext/@format",
    "questiontext/text",
    "generalfeedback/text",
    "answer/@fraction",
    "answer/text",
    "answer/feedback/text",
    "answer/tolerance",
    "single",
    "shuffleanswers",
    "answernumbering",
    "subquestion/text",
    "subquestion/answer/text",
    "units/unit/unit_name",
    "layouttype",
    "selecttype",
    "gradingtype",
}
SAMPLES = {
    "single_choice": "multichoice_single.xml",
    "multiple_response": "multichoice_multi.xml",
    "true_false": "truefalse.xml",
    "short_answer": "shortanswer.xml",
    "numeric": "numerical.xml",
    "matching": "matching.xml",
    "ordering": "ordering.xml",
}


def read_sample(qtype: str):
    return parse_moodle_xml((FIXTURES / SAMPLES[qtype]).read_text(encoding="utf-8"))


def canonical(qtype: str, data: dict) -> dict:
    """Authoring data as the bank stores it (numbers normalised, defaults filled)."""
    question_type = registry.get(qtype)
    return question_type.authoring_data(question_type.build_payload(data))


def paths(question, prefix: str = "") -> set[str]:
    """Every element path and attribute below a <question>, e.g. 'answer/@fraction'."""
    found = {f"{prefix}@{name}" for name in question.attrib}
    for child in question:
        path = prefix + child.tag
        found |= {path} | paths(child, path + "/")
    return found


def read_paths(xml: str) -> set[str]:
    root = fromstring(xml)
    question = next(q for q in root.findall("question") if q.get("type") != "category")
    return paths(question) & READ_PATHS


@pytest.mark.parametrize("qtype", SAMPLES)
def test_each_sample_reads_as_its_type_without_errors(qtype):
    result = read_sample(qtype)
    assert result.errors == []
    assert [item.qtype for item in result.items] == [qtype]


def test_single_choice_sample_html_is_turned_into_text():
    result = read_sample("single_choice")
    item = result.items[0]
    assert item.name == "Capital moved" and item.where == "question 2 ('Capital moved')"
    assert item.stem == "In which year did Kazakhstan move its capital from Almaty to Astana?"
    assert item.explanation == "The capital moved in 1997 & Astana became the seat of government."
    assert item.data["choices"][0] == {"text": "1997", "correct": True, "feedback": "Yes: in 1997."}
    assert result.notes == ["question 1: category ignored (questions go to the chosen course)."]


def test_multi_sample_keeps_positive_answers_right_and_reads_kz_tags():
    item = read_sample("multiple_response").items[0]
    assert [c["correct"] for c in item.data["choices"]] == [True, True, False, False]
    assert (
        item.data["choices"][3]["text"] == "Being among the 30 most developed nations & economies"
    )
    assert (item.section, item.difficulty, item.bloom) == ("introduction", 3, "understand")
    assert item.concepts == ["oecd-membership"]


def test_true_false_sample_takes_the_wrong_answers_feedback():
    item = read_sample("true_false").items[0]
    assert item.data == {
        "answer": True,
        "feedback": "The law changed in 2020: a notification is enough.",
    }
    assert item.stem.startswith("Since 2020, peaceful rallies")


def test_short_answer_and_numerical_samples_drop_the_zero_credit_catch_all():
    assert read_sample("short_answer").items[0].data == {
        "accepted": ["OECD", "Organisation for Economic Co-operation and Development"]
    }
    assert read_sample("numeric").items[0].data == {
        "answer": "2050",
        "tolerance": "1",
        "unit": "AD",
    }


def test_matching_sample_reads_the_empty_subquestion_as_a_distractor():
    data = read_sample("matching").items[0].data
    assert [p["left"] for p in data["pairs"]] == ["Police", "Prosecutors", "Courts"]
    assert data["distractors"] == ["Run the elections"]


def test_ordering_sample_reads_the_items_in_document_order():
    assert read_sample("ordering").items[0].data["items"] == [
        "Independence",
        "The capital moves to Astana",
        "OSCE chairmanship",
        "The rally law changes",
    ]


@pytest.mark.parametrize("qtype", SAMPLES)
def test_the_export_has_the_structure_of_the_hand_written_sample(qtype):
    sample = read_paths((FIXTURES / SAMPLES[qtype]).read_text(encoding="utf-8"))
    exported = read_paths(write_moodle_xml([SAMPLE_ITEMS[qtype]]).text)
    assert exported == sample
    assert {"@type", "name/text", "questiontext/@format", "generalfeedback/text"} <= exported


@pytest.mark.parametrize("qtype", SAMPLES)
def test_every_type_survives_write_and_read(qtype):
    item = SAMPLE_ITEMS[qtype]
    result = parse_moodle_xml(write_moodle_xml([item]).text)
    assert result.errors == []
    back = result.items[0]
    assert (back.qtype, back.stem, back.explanation) == (item.qtype, item.stem, item.explanation)
    assert canonical(back.qtype, back.data) == canonical(item.qtype, item.data)
    assert (back.section, back.difficulty, back.bloom, back.concepts, back.source_quote) == (
        item.section,
        item.difficulty,
        item.bloom,
        item.concepts,
        item.source_quote,
    )


def test_text_is_escaped_as_html_inside_xml():
    item = ExchangeItem(
        qtype="true_false",
        stem='Is <script>alert("x")</script> & "this" text?',
        data={"answer": True, "feedback": "a < b"},
        name="q & <a>",
    )
    xml = write_moodle_xml([item]).text
    assert "&amp;lt;script&amp;gt;" in xml and "<script>" not in xml
    back = parse_moodle_xml(xml).items[0]
    assert back.stem == item.stem and back.name == "q & <a>"
    assert back.data["feedback"] == "a < b"


def test_multiple_response_fractions_are_moodle_grade_options():
    xml = write_moodle_xml([SAMPLE_ITEMS["multiple_response"]]).text
    fractions = [a.get("fraction") for a in fromstring(xml).iter("answer")]
    assert fractions == ["33.33333", "33.33333", "33.33333", "-50", "-50"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="truefalse"><name><text>&lol3;</text></name></question></quiz>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><name><text>&secret;</text></name></question></quiz>
"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "external"])
def test_entity_attacks_are_refused_with_a_clear_error(xml):
    result = parse_moodle_xml(xml)
    assert result.items == []
    assert result.errors == [
        "Moodle XML: the XML declares a DTD or entities, which are refused for safety "
        "(no entity expansion, no external files). Remove the <!DOCTYPE ...> part."
    ]


def test_malformed_xml_reports_its_line():
    result = parse_moodle_xml('<?xml version="1.0"?>\n<quiz>\n<question type="truefalse">\n</quiz>')
    assert len(result.errors) == 1
    assert result.errors[0].startswith("Moodle XML: line 4, column 3: the XML is not well formed")


def test_unsupported_types_and_partial_credit_are_errors_naming_the_question():
    xml = """<quiz>
      <question type="essay"><name><text>Essay one</text></name></question>
      <question type="multichoice"><name><text>Half</text></name>
        <questiontext format="html"><text>Pick</text></questiontext>
        <single>true</single>
        <answer fraction="100"><text>a</text></answer>
        <answer fraction="50"><text>b</text></answer>
        <answer fraction="0"><text>c</text></answer>
      </question>
    </quiz>"""
    errors = parse_moodle_xml(xml).errors
    assert errors[0].startswith("question 1 ('Essay one'): type 'essay' cannot be imported")
    assert errors[1] == "question 2 ('Half'): partial credit (50%) on 'b' cannot be kept."


def _quiz(question_xml: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><quiz>{question_xml}</quiz>'


def test_unequal_multiple_response_weights_are_reported_as_equal_shares():
    answers = "".join(
        f'<answer fraction="{f}"><text>{t}</text></answer>'
        for f, t in (("70", "A"), ("30", "B"), ("-100", "C"))
    )
    xml = _quiz(
        '<question type="multichoice"><name><text>Weighted</text></name>'
        f"<questiontext><text>Pick</text></questiontext><single>false</single>{answers}</question>"
    )

    result = parse_moodle_xml(xml)

    assert result.errors == []
    assert result.notes == [
        "question 1 ('Weighted'): the right choices' unequal weights (30%, 70%) become equal shares."
    ]
    assert [c["correct"] for c in result.items[0].data["choices"]] == [True, True, False]


def test_equal_weights_and_the_samples_need_no_note():
    assert parse_moodle_xml((FIXTURES / "multichoice_multi.xml").read_text()).notes == []


def test_feedback_on_a_true_false_right_answer_is_reported_as_dropped():
    xml = _quiz(
        '<question type="truefalse"><name><text>TF</text></name>'
        "<questiontext><text>Sky is blue?</text></questiontext>"
        '<answer fraction="100"><text>true</text><feedback><text>Yes!</text></feedback></answer>'
        '<answer fraction="0"><text>false</text><feedback><text>No.</text></feedback></answer>'
        "</question>"
    )

    result = parse_moodle_xml(xml)

    assert result.items[0].data == {"answer": True, "feedback": "No."}
    assert result.notes == [
        "question 1 ('TF'): feedback on the right answer is not kept (only the wrong one's is)."
    ]


def moodle_true_false(tag: str) -> str:
    return f"""<quiz><question type="truefalse"><name><text>Q</text></name>
      <questiontext format="html"><text>Sky is blue</text></questiontext>
      <answer fraction="100"><text>true</text></answer>
      <answer fraction="0"><text>false</text></answer>
      <tags><tag><text>{tag}</text></tag></tags></question></quiz>"""


@pytest.mark.parametrize("value", ["²", "١", "9" * 5000])
def test_a_difficulty_tag_of_non_ascii_or_thousands_of_digits_is_an_error_not_a_crash(value):
    result = parse_moodle_xml(moodle_true_false(f"kz:difficulty={value}"))
    assert len(result.errors) == 1
    assert "difficulty must be 1, 2 or 3, not " in result.errors[0]
