"""html_to_text: the text of an imported HTML fragment, read forward only, in linear time."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.exchange.html_text import MAX_TEXT_CHARS, TextTooLong, html_to_text

BLOCKS = {"p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}


class _Reference(HTMLParser):
    """The html.parser reading the importers used before (kept as the oracle for clean HTML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\r\f\v]+", " ", data.replace("\n", " ")))


def reference(fragment: str) -> str:
    parser = _Reference()
    parser.feed(fragment)
    parser.close()
    lines = [
        re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parser.parts).split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


PIECES = [
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "<b>",
    "</b>",
    '<div class="x">',
    "</div>",
    "<li>",
    "<h2>",
    "</h2>",
    "<script>var a = '<p>';</script>",
    "<style>p {}</style>",
    "<!-- a comment -->",
    "<span title='a > b'>",
    '<img src="x.png" alt="1 < 2"/>',
    "&amp;",
    "&lt;",
    "&#10;",
    "&nbsp;",
    "1 < 2",
    "a\nb",
    "  ",
    "\t",
]
CLEAN_HTML = st.lists(
    st.sampled_from(PIECES) | st.text(st.characters(categories=["L", "N"]), max_size=5),
    max_size=15,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(fragment=CLEAN_HTML)
def test_clean_html_reads_as_html_parser_read_it(fragment):
    assert html_to_text(fragment) == reference(fragment)


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>One</p><p>Two<br>three</p>", "One\n\nTwo\nthree"),
        ("<span title='a > b'>kept</span>", "kept"),
        ("x<script>if (a < b) {}</script>y", "xy"),
        ("x<SCRIPT>alert(1)</Script >y", "xy"),
        ("1 < 2 &amp; 3 > 2", "1 < 2 & 3 > 2"),
        ("a <!DOCTYPE html> b <?php x ?> c", "a b c"),
        ("a </ p> b", "a b"),
    ],
)
def test_tags_entities_comments_and_scripts(fragment, text):
    assert html_to_text(fragment) == text


@pytest.mark.parametrize(
    "fragment",
    ["kept <a href='x", "kept <!-- never closed", "kept <script>x = 1", 'kept <b title="x'],
)
def test_markup_left_open_at_the_end_swallows_the_rest_as_an_html_tokenizer_does(fragment):
    assert html_to_text(fragment) == "kept"


def test_a_text_over_the_limit_is_refused_before_it_is_read():
    html_to_text("x" * MAX_TEXT_CHARS)
    with pytest.raises(TextTooLong, match="a text is 20,001 characters long"):
        html_to_text("<" * (MAX_TEXT_CHARS + 1))
