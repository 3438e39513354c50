"""Parsing the article's Markdown: sections, whole paragraphs, footnotes (no database)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from quizzes.article_markdown import parse_article
from quizzes.textnorm import FOOTNOTE_MARKER

pytestmark = pytest.mark.needs_article

SENTENCE_END = re.compile(r"[.?!][\"”’')]*$")


@pytest.fixture(scope="module")
def parsed(article_source):
    return parse_article(article_source)


def body_paragraphs(parsed):
    return [p for s in parsed.sections for p in s.paragraphs if p.kind == "text"]


def test_header_gives_title_author_date_and_source(parsed):
    assert parsed.title == "Human Rights Reforms in Kazakhstan"
    assert parsed.author == "Svante E. Cornell"
    assert parsed.published_on == date(2021, 6, 11)
    assert parsed.source == "Feature Article"


def test_nine_sections_in_order_starting_with_the_introduction(parsed):
    assert [s.heading for s in parsed.sections] == [
        "Introduction",
        "Kazakhstan's State-Building Model",
        "President Tokayev's Reform Agenda",
        "Law Enforcement Abuse",
        "Women’s Rights",
        "Freedom of Assembly",
        "Freedom of Expression and Media",
        "Freedom of Religion",
        "The Way Forward",
    ]


def test_introduction_is_the_text_before_the_first_heading(parsed):
    intro = parsed.sections[0].paragraphs
    assert intro[0].text.startswith("Kazakhstan's leaders have long expressed ambitious goals")
    assert intro[-1].text.endswith(
        "may lead some parts of the leadership to urge caution in implementing reforms."
    )


def test_no_paragraph_is_left_broken_by_a_page_break(parsed):
    for paragraph in body_paragraphs(parsed):
        text = FOOTNOTE_MARKER.sub("", paragraph.text)
        assert SENTENCE_END.search(text), f"ends mid-sentence: …{text[-60:]!r}"
        assert not text[0].islower(), f"starts mid-sentence: {text[:60]!r}…"
        assert "---" not in text and "<sup>" not in FOOTNOTE_MARKER.sub("", text).replace(
            "<sup>th</sup>", ""
        )


def test_a_sentence_broken_by_footnotes_is_rejoined(parsed):
    intro_last = parsed.sections[0].paragraphs[-1].text
    assert (
        "this reality forms the background for a shift that has taken place in the country's state-building model."
        in intro_last
    )


def test_the_photo_caption_is_kept_apart_from_the_paragraph_it_interrupts(parsed):
    first, caption = parsed.sections[0].paragraphs[:2]
    assert caption.kind == "caption"
    assert caption.text == "President Kassym-Jomart Tokayev at the Council for Public Trust"
    assert (
        "a closer partnership with the European Union through an Enhanced Partnership" in first.text
    )
    assert "Council for Public Trust" not in first.text


def test_all_45_footnotes_are_tied_to_exactly_one_marker(parsed):
    assert sorted(parsed.footnotes) == list(range(1, 46))
    cited = [n for p in body_paragraphs(parsed) for n in p.footnote_numbers]
    assert sorted(cited) == list(range(1, 46))


def test_footnotes_broken_across_pages_are_rejoined_with_their_urls(parsed):
    note33 = parsed.footnotes[33]
    assert (
        "*Ankara*" in note33.text and "*Law Review*, vol. 2 no. 2, 2005, pp. 95-107." in note33.text
    )
    assert note33.url == "http://dergiler.anakara.edu.tr/dergiler/64/1539/16877.pdf"
    assert parsed.footnotes[5].text.endswith(
        "Central Asia-Caucasus Institute & Silk Road Studies Program, Silk Road Paper, October 2017."
    )
    assert parsed.footnotes[7].text.endswith("*Financial Times*, September 15, 2015.")
    assert "criminal penalties for speech offenses" in parsed.footnotes[42].text


def test_footnote_urls_are_extracted_and_unescaped(parsed):
    assert parsed.footnotes[1].url.startswith("https://astanatimes.com/2020/10/")
    assert "addresses_of_president" in parsed.footnotes[16].url
    assert parsed.footnotes[45].url.endswith("A_HRC_43_46_Add-1-ES.pdf")
    assert parsed.footnotes[2].url == ""
    assert "http" not in parsed.footnotes[12].text


def test_the_author_note_is_marked_as_such(parsed):
    last = parsed.sections[-1].paragraphs[-1]
    assert last.kind == "bio" and last.text.startswith("**Svante E. Cornell** is Director")
