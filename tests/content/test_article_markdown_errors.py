"""Small hand-written articles: page-break rules and every malformed input."""

from __future__ import annotations

import pytest

from quizzes.article_markdown import ArticleFormatError, parse_article

HEADER = "Feature Article  \nMay 1, 2020\n\n## A Title\n\n*An Author*\n\n"


def test_a_hyphen_at_a_page_break_joins_without_a_space():
    article = parse_article(
        HEADER + "Intro text.\n\n### One\n\nThe Central Asia-\n\nCaucasus Institute wrote this.\n"
    )
    assert (
        article.sections[1].paragraphs[0].text == "The Central Asia-Caucasus Institute wrote this."
    )


def test_a_continuation_after_a_footnote_zone_joins_its_paragraph():
    source = HEADER + (
        "Intro text.\n\n### One\n\nIt was cited<sup>1</sup> and then\n\n---\n\n"
        "<sup>1</sup> A source, 2020. (<https://example.org/a>)\n\ncontinued here.\n\nA new paragraph.\n"
    )
    article = parse_article(source)
    paragraphs = [p.text for p in article.sections[1].paragraphs]
    assert paragraphs == ["It was cited<sup>1</sup> and then continued here.", "A new paragraph."]
    assert article.footnotes[1].url == "https://example.org/a"
    assert article.footnotes[1].text == "A source, 2020."


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        ("Just some text without a title.\n", "title"),
        ("## A Title\n\nNo author line.\n", "author"),
        (HEADER + "Only an introduction.\n", "section headings"),
        (HEADER + "Intro.\n\n### One\n\nCites<sup>7</sup> nothing.\n", "marker <sup>7</sup>"),
        (
            HEADER
            + "Intro.\n\n### One\n\nText<sup>1</sup>.\n\n<sup>1</sup> A.\n\n<sup>1</sup> B.\n",
            "defined twice",
        ),
        (
            HEADER + "Intro.\n\n### One\n\nA<sup>1</sup>. B<sup>1</sup>.\n\n<sup>1</sup> A.\n",
            "cited twice",
        ),
        (HEADER + "Intro.\n\n### One\n\n### Two\n\nText.\n", "has no text"),
    ],
)
def test_malformed_articles_are_rejected_with_a_reason(source, message):
    with pytest.raises(ArticleFormatError, match=message):
        parse_article(source)
