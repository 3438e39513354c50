"""Canvas QTI (.zip): hand-written packages as Canvas classic quizzes write them import into the
right questions; other Canvas types are per-question errors; an export imports back the same;
hostile archives are refused whole with their reason, and nothing is imported."""

from __future__ import annotations

import io
import zipfile

import pytest
from defusedxml.ElementTree import fromstring

from quizzes.exchange import ExchangeItem, parse_canvas_qti, write_canvas_qti
from quizzes.exchange.canvas_qti import MAX_MEMBERS, MAX_UNPACKED_BYTES
from quizzes.models import Question
from quizzes.qtypes import registry
from quizzes.selectors import question_list_for_export
from quizzes.services.exchange import ImportInvalid, bank_export, bank_import
from tests.exchange.samples import SAMPLE_ITEMS
from tests.factories import CourseFactory, shipped_article

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="g0a1b2c3d4e5f60718293a4b5c6d7e8f9" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" xmlns:lom="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource" xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_v1p2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <metadata>
    <schema>IMS Content</schema>
    <schemaversion>1.1.3</schemaversion>
  </metadata>
  <organizations/>
  <resources>
    <resource identifier="gquiz01" type="imsqti_xmlv1p2">
      <file href="gquiz01/gquiz01.xml"/>
      <dependency identifierref="gquiz01meta"/>
    </resource>
    <resource identifier="gquiz01meta" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" href="gquiz01/assessment_meta.xml">
      <file href="gquiz01/assessment_meta.xml"/>
    </resource>
  </resources>
</manifest>
"""

QUIZ_START = """<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.imsglobal.org/xsd/ims_qtiasiv1p2 http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd">
  <assessment ident="gquiz01" title="Week 3">
    <qtimetadata>
      <qtimetadatafield><fieldlabel>cc_maxattempts</fieldlabel><fieldentry>1</fieldentry></qtimetadatafield>
    </qtimetadata>
    <section ident="root_section">
"""
QUIZ_END = """    </section>
  </assessment>
</questestinterop>
"""


def meta(question_type: str, answer_ids: str = "") -> str:
    return f"""<itemmetadata><qtimetadata>
  <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>{question_type}</fieldentry></qtimetadatafield>
  <qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>1.0</fieldentry></qtimetadatafield>
  <qtimetadatafield><fieldlabel>original_answer_ids</fieldlabel><fieldentry>{answer_ids}</fieldentry></qtimetadatafield>
  <qtimetadatafield><fieldlabel>assessment_question_identifierref</fieldlabel><fieldentry>gaq{answer_ids[:4]}</fieldentry></qtimetadatafield>
</qtimetadata></itemmetadata>"""


DECVAR = (
    '<outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>'
)


def feedback(ident: str, html: str) -> str:
    return (
        f'<itemfeedback ident="{ident}"><flow_mat><material>'
        f'<mattext texttype="text/html">{html}</mattext></material></flow_mat></itemfeedback>'
    )


# Items as Canvas's lib/cc/qti/qti_items.rb writes them: the stem is HTML in a <div>, choices
# are plain text (no answer HTML), ids are Canvas's integers, a question nobody named is
# titled "Question".
ITEMS = {
    "single_choice": f"""<item ident="g11" title="capital-move">{meta("multiple_choice_question", "6101,6102,6103")}
  <presentation>
    <material><mattext texttype="text/html">&lt;div&gt;&lt;p&gt;When did the capital &lt;strong&gt;move&lt;/strong&gt;?&lt;/p&gt;&lt;/div&gt;</mattext></material>
    <response_lid ident="response1" rcardinality="Single"><render_choice>
      <response_label ident="6101"><material><mattext texttype="text/plain">1997</mattext></material></response_label>
      <response_label ident="6102"><material><mattext texttype="text/plain">1991</mattext></material></response_label>
      <response_label ident="6103"><material><mattext texttype="text/plain">2019</mattext></material></response_label>
    </render_choice></response_lid>
  </presentation>
  <resprocessing>{DECVAR}
    <respcondition continue="Yes"><conditionvar><other/></conditionvar><displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>
    <respcondition continue="Yes"><conditionvar><varequal respident="response1">6102</varequal></conditionvar><displayfeedback feedbacktype="Response" linkrefid="6102_fb"/></respcondition>
    <respcondition continue="No"><conditionvar><varequal respident="response1">6101</varequal></conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>
  </resprocessing>
  {feedback("general_fb", "&lt;p&gt;Astana since 1997.&lt;/p&gt;")}
  {feedback("6102_fb", "&lt;p&gt;That is independence.&lt;/p&gt;")}
</item>""",
    "multiple_response": f"""<item ident="g12" title="Question">{meta("multiple_answers_question", "7001,7002,7003,7004")}
  <presentation>
    <material><mattext texttype="text/html">&lt;div&gt;&lt;p&gt;Which are chambers of Parliament?&lt;/p&gt;&lt;/div&gt;</mattext></material>
    <response_lid ident="response1" rcardinality="Multiple"><render_choice>
      <response_label ident="7001"><material><mattext texttype="text/plain">Senate</mattext></material></response_label>
      <response_label ident="7002"><material><mattext texttype="text/plain">Mazhilis</mattext></material></response_label>
      <response_label ident="7003"><material><mattext texttype="text/plain">Ombudsman</mattext></material></response_label>
      <response_label ident="7004"><material><mattext texttype="text/plain">Akimat</mattext></material></response_label>
    </render_choice></response_lid>
  </presentation>
  <resprocessing>{DECVAR}
    <respcondition continue="No"><conditionvar><and>
      <varequal respident="response1">7001</varequal>
      <varequal respident="response1">7002</varequal>
      <not><varequal respident="response1">7003</varequal></not>
      <not><varequal respident="response1">7004</varequal></not>
    </and></conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>
  </resprocessing>
</item>""",
    "true_false": f"""<item ident="g13" title="tf-sky">{meta("true_false_question", "8001,8002")}
  <presentation>
    <material><mattext texttype="text/html">&lt;div&gt;&lt;p&gt;The Senate is elected directly.&lt;/p&gt;&lt;/div&gt;</mattext></material>
    <response_lid ident="response1" rcardinality="Single"><render_choice>
      <response_label ident="8001"><material><mattext texttype="text/plain">True</mattext></material></response_label>
      <response_label ident="8002"><material><mattext texttype="text/plain">False</mattext></material></response_label>
    </render_choice></response_lid>
  </presentation>
  <resprocessing>{DECVAR}
    <respcondition continue="Yes"><conditionvar><varequal respident="response1">8001</varequal></conditionvar><displayfeedback feedbacktype="Response" linkrefid="8001_fb"/></respcondition>
    <respcondition continue="No"><conditionvar><varequal respident="response1">8002</varequal></conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>
  </resprocessing>
  {feedback("8001_fb", "Senators are chosen by the maslikhats.")}
</item>""",
    "short_answer": f"""<item ident="g14" title="scholarship">{meta("short_answer_question", "9001,9002")}
  <presentation>
    <material><mattext texttype="text/html">&lt;div&gt;&lt;p&gt;Name the scholarship program.&lt;/p&gt;&lt;/div&gt;</mattext></material>
    <response_str ident="response1" rcardinality="Single"><render_fib><response_label ident="answer1" rshuffle="No"/></render_fib></response_str>
  </presentation>
  <resprocessing>{DECVAR}
    <respcondition continue="No"><conditionvar>
      <varequal respident="response1">Bolashak</varequal>
      <varequal respident="response1">the Bolashak program</varequal>
    </conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>
  </resprocessing>
</item>""",
    "numeric": f"""<item ident="g15" title="strategy-year">{meta("numerical_question", "9101")}
  <presentation>
    <material><mattext texttype="text/html">&lt;div&gt;&lt;p&gt;Which year does the strategy aim at?&lt;/p&gt;&lt;/div&gt;</mattext></material>
    <response_str ident="response1" rcardinality="Single"><render_fib fibtype="Decimal"><response_label ident="answer1"/></render_fib></response_str>
  </presentation>
  <resprocessing>{DECVAR}
    <respcondition continue="No"><conditionvar><or>
      <varequal respident="response1">2050.0</varequal>
      <and><vargte respident="response1">2049.0</vargte><varlte respident="response1">2051.0</varlte></and>
    </or></conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>
  </resprocessing>
</item>""",
    "matching": f"""<item ident="g16" title="laws">{meta("matching_question", "501,502,503")}
  <presentation>
    <material><mattext texttype="text/html">&lt;div&gt;&lt;p&gt;Match the year to the law.&lt;/p&gt;&lt;/div&gt;</mattext></material>
    <response_lid ident="response_501">
      <material><mattext texttype="text/plain">2009</mattext></material>
      <render_choice>
        <response_label ident="3301"><material><mattext>domestic violence law</mattext></material></response_label>
        <response_label ident="3302"><material><mattext>assembly law</mattext></material></response_label>
        <response_label ident="3303"><material><mattext>religion law</mattext></material></response_label>
        <response_label ident="3304"><material><mattext>administrative offense</mattext></material></response_label>
      </render_choice>
    </response_lid>
    <response_lid ident="response_503">
      <material><mattext texttype="text/plain">2017</mattext></material>
      <render_choice>
        <response_label ident="3301"><material><mattext>domestic violence law</mattext></material></response_label>
        <response_label ident="3302"><material><mattext>assembly law</mattext></material></response_label>
        <response_label ident="3303"><material><mattext>religion law</mattext></material></response_label>
        <response_label ident="3304"><material><mattext>administrative offense</mattext></material></response_label>
      </render_choice>
    </response_lid>
    <response_lid ident="response_502">
      <material><mattext texttype="text/plain">2020</mattext></material>
      <render_choice>
        <response_label ident="3301"><material><mattext>domestic violence law</mattext></material></response_label>
        <response_label ident="3302"><material><mattext>assembly law</mattext></material></response_label>
        <response_label ident="3303"><material><mattext>religion law</mattext></material></response_label>
        <response_label ident="3304"><material><mattext>administrative offense</mattext></material></response_label>
      </render_choice>
    </response_lid>
  </presentation>
  <resprocessing>{DECVAR}
    <respcondition><conditionvar><varequal respident="response_501">3301</varequal></conditionvar><setvar varname="SCORE" action="Add">33.33</setvar></respcondition>
    <respcondition><conditionvar><varequal respident="response_503">3304</varequal></conditionvar><setvar varname="SCORE" action="Add">33.33</setvar></respcondition>
    <respcondition><conditionvar><varequal respident="response_502">3302</varequal></conditionvar><setvar varname="SCORE" action="Add">33.33</setvar></respcondition>
  </resprocessing>
</item>""",
}

EXPECTED = {
    "single_choice": {
        "choices": [
            {"text": "1997", "correct": True, "feedback": ""},
            {"text": "1991", "correct": False, "feedback": "That is independence."},
            {"text": "2019", "correct": False, "feedback": ""},
        ]
    },
    "multiple_response": {
        "choices": [
            {"text": "Senate", "correct": True, "feedback": ""},
            {"text": "Mazhilis", "correct": True, "feedback": ""},
            {"text": "Ombudsman", "correct": False, "feedback": ""},
            {"text": "Akimat", "correct": False, "feedback": ""},
        ]
    },
    "true_false": {"answer": False, "feedback": "Senators are chosen by the maslikhats."},
    "short_answer": {"accepted": ["Bolashak", "the Bolashak program"]},
    "numeric": {"answer": "2050", "tolerance": "1"},
    "matching": {
        "pairs": [
            {"left": "2009", "right": "domestic violence law"},
            {"left": "2017", "right": "administrative offense"},
            {"left": "2020", "right": "assembly law"},
        ],
        "distractors": ["religion law"],
    },
}


def package(*items: str, manifest: str = MANIFEST, extra: dict[str, bytes] | None = None) -> bytes:
    """A zip as Canvas's "Export quiz as QTI" makes it: the manifest, the quiz, its meta."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr("gquiz01/gquiz01.xml", QUIZ_START + "\n".join(items) + QUIZ_END)
        archive.writestr("gquiz01/assessment_meta.xml", "<quiz identifier='gquiz01'/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def canonical(qtype: str, data: dict) -> dict:
    question_type = registry.get(qtype)
    return question_type.authoring_data(question_type.build_payload(data))


# Reading Canvas's own shapes -----------------------------------------------------------------


@pytest.mark.parametrize("qtype", list(ITEMS))
def test_each_canvas_question_type_reads_as_its_type(qtype):
    result = parse_canvas_qti(package(ITEMS[qtype]))
    assert result.errors == []
    [item] = result.items
    assert item.qtype == qtype
    assert canonical(qtype, item.data) == canonical(qtype, EXPECTED[qtype])


def test_html_stems_and_feedback_become_plain_text_and_canvas_default_names_are_no_keys():
    result = parse_canvas_qti(package(ITEMS["single_choice"], ITEMS["multiple_response"]))
    single, multi = result.items
    assert (single.name, single.stem) == ("capital-move", "When did the capital move?")
    assert single.explanation == "Astana since 1997."
    assert multi.name == ""  # "Question", Canvas's default title: the key comes from the stem
    assert single.where == "question 1 ('capital-move')"
    assert any("its settings are not" in note for note in result.notes)


def test_a_numeric_range_is_read_as_its_middle_plus_or_minus_half_its_width():
    ranged = ITEMS["numeric"].replace(
        """<or>
      <varequal respident="response1">2050.0</varequal>
      <and><vargte respident="response1">2049.0</vargte><varlte respident="response1">2051.0</varlte></and>
    </or>""",
        '<vargte respident="response1">10</vargte><varlte respident="response1">15</varlte>',
    )
    result = parse_canvas_qti(package(ranged))
    assert result.errors == []
    assert result.items[0].data == {"answer": "12.5", "tolerance": "2.5"}
    assert result.notes[-1].endswith("the range 10 to 15 becomes its middle ± half its width.")


UNSUPPORTED = [
    "essay_question",
    "file_upload_question",
    "text_only_question",
    "multiple_dropdowns_question",
    "fill_in_multiple_blanks_question",
    "calculated_question",
]


@pytest.mark.parametrize("canvas_type", UNSUPPORTED)
def test_other_canvas_types_are_an_error_naming_the_question_and_its_type(canvas_type):
    other = f"""<item ident="g99" title="other">{meta(canvas_type)}
      <presentation><material><mattext texttype="text/html">Tell us.</mattext></material></presentation>
    </item>"""
    result = parse_canvas_qti(package(ITEMS["true_false"], other))
    assert [item.qtype for item in result.items] == ["true_false"]
    assert result.errors == [
        f"question 2 ('other'): type {canvas_type!r} cannot be imported (supported: "
        "matching_question, multiple_answers_question, multiple_choice_question, "
        "numerical_question, short_answer_question, true_false_question)."
    ]


@pytest.mark.django_db
def test_an_unsupported_question_imports_nothing_from_the_package():
    course = CourseFactory(article=shipped_article())
    essay = f"""<item ident="g98" title="essay">{meta("essay_question")}
      <presentation><material><mattext texttype="text/html">Discuss.</mattext></material></presentation>
    </item>"""
    with pytest.raises(ImportInvalid) as error:
        bank_import(
            course=course,
            content=package(ITEMS["single_choice"], essay),
            actor=None,
            filename="quiz.zip",
            default_section="introduction",
        )
    assert error.value.errors == [
        "question 2 ('essay'): type 'essay_question' cannot be imported (supported: "
        "matching_question, multiple_answers_question, multiple_choice_question, "
        "numerical_question, short_answer_question, true_false_question)."
    ]
    assert not Question.objects.filter(course=course).exists()


@pytest.mark.django_db
def test_a_canvas_package_imports_into_the_course_bank_under_the_default_section():
    course = CourseFactory(article=shipped_article())
    summary = bank_import(
        course=course,
        content=package(*ITEMS.values()),
        actor=None,
        filename="week3.zip",
        default_section="introduction",
    )
    assert len(summary.created) == 6
    assert "which-are-chambers-of-parliament" in summary.created
    stored = Question.objects.filter(course=course)
    assert {q.section.slug for q in stored} == {"introduction"}
    assert sorted(q.qtype for q in stored) == sorted(ITEMS)


# Writing, and reading back -------------------------------------------------------------------


def written(items: list[ExchangeItem]) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(write_canvas_qti(items).text))


def test_the_export_is_a_zip_whose_manifest_lists_the_bank_file():
    archive = written(list(SAMPLE_ITEMS.values()))
    manifest = fromstring(archive.read("imsmanifest.xml"))
    ns = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
    [resource] = manifest.iter(f"{ns}resource")
    href = resource.find(f"{ns}file").get("href")
    assert resource.get("type") == "imsqti_xmlv1p2"
    assert sorted(archive.namelist()) == sorted(["imsmanifest.xml", href])
    bank = fromstring(archive.read(href))
    qti = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
    assert bank.tag == f"{qti}questestinterop"
    assert bank.find(f"{qti}objectbank") is not None
    types = [
        field.findtext(f"{qti}fieldentry")
        for field in bank.iter(f"{qti}qtimetadatafield")
        if field.findtext(f"{qti}fieldlabel") == "question_type"
    ]
    assert types == [
        "multiple_choice_question",
        "multiple_answers_question",
        "true_false_question",
        "short_answer_question",
        "numerical_question",
        "matching_question",
    ]


def test_ordering_is_left_out_of_the_export_with_a_note_naming_it():
    result = write_canvas_qti(list(SAMPLE_ITEMS.values()))
    assert result.count == 6
    assert result.skipped == [
        "sample-ordering: Canvas classic quizzes have no ordering type; export it as "
        "Moodle XML or JSON."
    ]
    archive = zipfile.ZipFile(io.BytesIO(result.text))
    bank = next(name for name in archive.namelist() if name != "imsmanifest.xml")
    assert "Skipped ordering question 'sample-ordering'" in archive.read(bank).decode()


def test_every_type_canvas_holds_reads_back_the_same_with_its_metadata():
    items = [item for key, item in SAMPLE_ITEMS.items() if key != "ordering"]
    items[0].tags = ["exam", "week-3"]
    result = parse_canvas_qti(write_canvas_qti(items).text)
    assert result.errors == [] and result.notes == []
    for read, item in zip(result.items, items, strict=True):
        assert (read.qtype, read.name, read.stem, read.explanation) == (
            item.qtype,
            item.name,
            item.stem,
            item.explanation,
        )
        assert canonical(read.qtype, read.data) == canonical(item.qtype, item.data)
        assert (read.section, read.difficulty, read.bloom, read.concepts, read.source_quote) == (
            item.section,
            item.difficulty,
            item.bloom,
            item.concepts,
            item.source_quote,
        )
        assert read.tags == item.tags


@pytest.mark.django_db
def test_a_bank_exported_as_canvas_qti_imports_into_another_course_as_the_same_bank():
    shared = [
        q
        for q in question_list_for_export(article_slug=shipped_article().slug)
        if q.qtype != "ordering"
    ]
    result = bank_export(questions=shared, fmt="canvas-qti", course=None, actor=None)
    course = CourseFactory(article=shipped_article())
    summary = bank_import(course=course, content=result.text, actor=None, filename="bank.zip")
    assert len(summary.created) == len(shared)
    imported = {q.key: q for q in Question.objects.filter(course=course)}
    for question in shared:
        copy = imported[question.key or f"Q{question.pk}"]
        mine, theirs = question.current_version, copy.current_version
        assert (theirs.qtype, theirs.stem, theirs.explanation) == (
            mine.qtype,
            mine.stem,
            mine.explanation,
        )
        assert theirs.type.authoring_data(theirs.payload) == mine.type.authoring_data(mine.payload)
        assert (copy.section_id, copy.difficulty, copy.bloom_level) == (
            question.section_id,
            question.difficulty,
            question.bloom_level,
        )
    again = bank_import(course=course, content=result.text, actor=None, filename="bank.zip")
    assert len(again.unchanged) == len(shared)


# Hostile archives ------------------------------------------------------------------------------


def refused(content: bytes, filename: str = "bank.zip") -> list[str]:
    course = CourseFactory(article=shipped_article())
    with pytest.raises(ImportInvalid) as error:
        bank_import(
            course=course,
            content=content,
            actor=None,
            filename=filename,
            default_section="introduction",
        )
    assert not Question.objects.filter(course=course).exists()
    return error.value.errors


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = _zip(
        {"imsmanifest.xml": MANIFEST, "gquiz01/gquiz01.xml": b"\0" * (MAX_UNPACKED_BYTES + 1)}
    )
    assert len(bomb) < 100_000
    [error] = refused(bomb)
    assert error.startswith("The zip unpacks to 20.0 MB; the limit is 20 MB.")


def _lying(content: bytes, member: bytes, claimed: int) -> bytes:
    """The zip with `member`'s uncompressed size set to `claimed` in both of its headers."""
    data = bytearray(content)
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_length = int.from_bytes(data[local + 26 : local + 28], "little")
        if bytes(data[local + 30 : local + 30 + name_length]) == member:
            data[local + 22 : local + 26] = claimed.to_bytes(4, "little")
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        if bytes(data[central + 46 : central + 46 + name_length]) == member:
            data[central + 24 : central + 28] = claimed.to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


@pytest.mark.django_db
def test_a_zip_whose_header_lies_about_its_size_is_refused_when_it_unpacks_past_it():
    honest = _zip({"imsmanifest.xml": MANIFEST, "gquiz01/gquiz01.xml": b" " * 3_000_000})
    [error] = refused(_lying(honest, b"gquiz01/gquiz01.xml", 100))
    assert error == (
        "The zip's file 'gquiz01/gquiz01.xml' cannot be unpacked: it is damaged, or its header "
        "lies about its size. Nothing was imported."
    )


@pytest.mark.django_db
def test_a_zip_of_too_many_files_is_refused():
    many = _zip({f"f{n}.txt": b"x" for n in range(MAX_MEMBERS + 1)})
    [error] = refused(many)
    assert error == (
        "The zip holds 101 files; a Canvas QTI export holds a few (at most 100). "
        "Nothing was imported."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../evil.xml", "/etc/passwd", "a/../../b.xml", "a\\..\\b.xml"])
def test_a_member_whose_path_leaves_the_package_is_refused(name):
    [error] = refused(_zip({"imsmanifest.xml": MANIFEST, name: b"<x/>"}))
    assert "a path that leaves the package" in error


@pytest.mark.django_db
def test_an_encrypted_member_is_refused():
    content = bytearray(_zip({"imsmanifest.xml": MANIFEST}))
    # Set the "encrypted" flag (bit 0) in both headers, as a password-protected zip has it.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = content.find(signature)
        content[at + offset] |= 0x1
    [error] = refused(bytes(content))
    assert "is encrypted" in error


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["inner.zip", "gquiz01/gquiz01.xml"])
def test_an_archive_inside_the_archive_is_refused(name):
    inner = package(ITEMS["true_false"])
    members = {"imsmanifest.xml": MANIFEST.encode(), name: inner}
    [error] = refused(_zip(members))
    assert error in (
        "The zip holds another archive ('inner.zip'); upload the Canvas QTI export itself, "
        "not an archive of archives.",
        "The zip's file 'gquiz01/gquiz01.xml' is itself a zip archive; upload the Canvas QTI "
        "export itself.",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken", b"\xff" * 50])
def test_a_file_named_zip_that_is_not_one_is_refused(content):
    [error] = refused(content)
    assert error.startswith("The file is not a readable zip archive")


@pytest.mark.django_db
def test_a_billion_laughs_inside_the_package_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;">]><questestinterop>&c;</questestinterop>'
    )
    manifest_members = {"imsmanifest.xml": MANIFEST, "gquiz01/gquiz01.xml": laughs}
    [error] = refused(_zip(manifest_members))
    assert error == (
        "Canvas QTI: gquiz01/gquiz01.xml: the XML declares a DTD or entities, which are refused "
        "for safety (no entity expansion, no external files)."
    )


@pytest.mark.django_db
def test_a_zip_without_a_manifest_is_no_canvas_package():
    [error] = refused(_zip({"quiz.xml": QUIZ_START + QUIZ_END}))
    assert error == "Canvas QTI: the zip has no imsmanifest.xml, so it is not a QTI package."
