"""Parse the source article's Markdown (a PDF conversion) into sections, paragraphs, footnotes.

The file is a page-by-page conversion: a page's last sentence may break off, the page's
footnotes follow after a `---` rule, and the sentence goes on after them. A photo caption sits
in the middle of a paragraph. The parser rejoins paragraphs, keeps the caption apart, and ties
every `<sup>N</sup>` marker to its footnote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .textnorm import FOOTNOTE_MARKER

INTRODUCTION = "Introduction"
_FOOTNOTE_START = re.compile(r"^<sup>(\d+)</sup>\s*(.*)$", re.DOTALL)
_URL_PATTERNS = (
    re.compile(r"\[(?:https?://[^\]]+)\]\((https?://[^)\s]+)\)"),
    re.compile(r"\(<(https?://[^>\s]+)>\)"),
    re.compile(r"<(https?://[^>\s]+)>"),
)
_URL_ONLY = re.compile(r"^\(?<?\[?https?://\S+$")
_SENTENCE_END = re.compile(r"[.?!][\"”’')\]]*$")
_MAX_CITATION_TAIL = 250
_DATE = re.compile(r"^[A-Z][a-z]+ \d{1,2}, \d{4}$")


class ArticleFormatError(ValueError):
    """The file is not an article in the expected Markdown shape."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass
class ParsedFootnote:
    """A footnote: its number, citation text and first URL."""

    number: int
    text: str
    url: str = ""
    line: int = 0


@dataclass
class ParsedParagraph:
    """A whole paragraph: kind is "text", "caption" or "bio"."""

    text: str
    kind: str = "text"

    @property
    def footnote_numbers(self) -> list[int]:
        """Numbers of the footnote markers in this paragraph."""
        return [int(n) for n in FOOTNOTE_MARKER.findall(self.text)]


@dataclass
class ParsedSection:
    """A section: its heading and paragraphs in order."""

    heading: str
    paragraphs: list[ParsedParagraph] = field(default_factory=list)


@dataclass
class ParsedArticle:
    """The whole article."""

    title: str
    author: str
    published_on: date | None
    source: str
    sections: list[ParsedSection]
    footnotes: dict[int, ParsedFootnote]


@dataclass
class _Block:
    lines: list[str]
    line: int

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _blocks(source: str) -> list[_Block]:
    """Runs of non-blank lines, joined with spaces, with the line number they start on."""
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append(_Block(current, start))
            current = []
    if current:
        blocks.append(_Block(current, start))
    return blocks


def _strip_emphasis(text: str) -> str:
    return text.strip().strip("*").strip()


def _is_complete(text: str) -> bool:
    """Whether a paragraph ends a sentence (ignoring trailing footnote markers)."""
    return bool(_SENTENCE_END.search(FOOTNOTE_MARKER.sub("", text).rstrip()))


def _join(first: str, second: str) -> str:
    """Rejoin text split by a page break; a trailing hyphen joins without a space."""
    if first.endswith("-") and not first.endswith(" -"):
        return first + second
    return f"{first} {second}"


def split_footnote_url(text: str) -> tuple[str, str]:
    """Split a footnote into its citation text and its first URL (Markdown escapes removed)."""
    for pattern in _URL_PATTERNS:
        match = pattern.search(text)
        if match:
            url = match.group(1).replace("\\_", "_")
            rest = (text[: match.start()] + text[match.end() :]).strip()
            rest = re.sub(r",?\s+at\s*\.?$", "", rest).rstrip()
            return rest, url
    return text.strip(), ""


def _parse_header(blocks: list[_Block]) -> tuple[str, str, date | None, str, int]:
    """Title, author, date and source line, and the index of the first body block."""
    for index, block in enumerate(blocks):
        if block.text.startswith("## "):
            title = _strip_emphasis(block.text[3:])
            if index + 1 >= len(blocks) or not blocks[index + 1].text.startswith("*"):
                raise ArticleFormatError(
                    "the title must be followed by the author in italics", block.line
                )
            author = _strip_emphasis(blocks[index + 1].text)
            source, published_on = "", None
            for earlier in blocks[:index]:
                for part in earlier.lines:
                    if _DATE.match(part):
                        published_on = datetime.strptime(part, "%B %d, %Y").date()
                    elif not source:
                        source = part
            if not title or not author:
                raise ArticleFormatError("the title or the author is empty", block.line)
            return title, author, published_on, source, index + 2
    raise ArticleFormatError("no '## ' title line found")


class _BodyParser:
    """Walks the body blocks, keeping track of footnote zones and broken paragraphs."""

    def __init__(self, author: str) -> None:
        self.author = author
        self.sections = [ParsedSection(INTRODUCTION)]
        self.footnotes: dict[int, ParsedFootnote] = {}
        self.last_footnote: ParsedFootnote | None = None
        self.in_notes = False

    def feed(self, block: _Block) -> None:
        text = block.text
        if text == "---":
            self.in_notes = True
        elif match := _FOOTNOTE_START.match(text):
            self._start_footnote(int(match.group(1)), match.group(2), block.line)
        elif self.in_notes and self._continues_footnote(text):
            self.last_footnote.text = _join(self.last_footnote.text, text)
        elif text.startswith("#"):
            self.in_notes = False
            heading = _strip_emphasis(text.lstrip("#"))
            if not heading:
                raise ArticleFormatError("a heading is empty", block.line)
            self.sections.append(ParsedSection(heading))
        else:
            self.in_notes = False
            self._add_body_text(text)

    def _start_footnote(self, number: int, text: str, line: int) -> None:
        if number in self.footnotes:
            raise ArticleFormatError(f"footnote {number} is defined twice", line)
        self.last_footnote = ParsedFootnote(number, text.strip(), line=line)
        self.footnotes[number] = self.last_footnote
        self.in_notes = True

    def _continues_footnote(self, text: str) -> bool:
        """A URL alone, or citation-like text after a footnote that broke off mid-sentence.

        Body text after a footnote zone can also follow a broken-off footnote; it is told apart
        by its footnote markers or its length, since a citation's tail is short or has a URL.
        """
        if self.last_footnote is None:
            return False
        if _URL_ONLY.match(text):
            return True
        broke_off = not re.search(r"[.)>\]]$", self.last_footnote.text)
        looks_like_citation = not FOOTNOTE_MARKER.search(text) and (
            "http" in text or len(text) < _MAX_CITATION_TAIL
        )
        return broke_off and looks_like_citation

    def _add_body_text(self, text: str) -> None:
        paragraphs = self.sections[-1].paragraphs
        if re.fullmatch(r"\*[^*].*[^*]\*", text):
            paragraphs.append(ParsedParagraph(_strip_emphasis(text), kind="caption"))
            return
        if text.startswith(f"**{self.author}**"):
            paragraphs.append(ParsedParagraph(text, kind="bio"))
            return
        body = [p for p in paragraphs if p.kind == "text"]
        if body and (not _is_complete(body[-1].text) or text[:1].islower()):
            body[-1].text = _join(body[-1].text, text)
        else:
            paragraphs.append(ParsedParagraph(text))


def parse_article(source: str) -> ParsedArticle:
    """Parse the article's Markdown; raise ArticleFormatError when it is not well formed."""
    blocks = _blocks(source)
    if not blocks:
        raise ArticleFormatError("the file is empty")
    title, author, published_on, source_line, first_body = _parse_header(blocks)
    parser = _BodyParser(author)
    for block in blocks[first_body:]:
        parser.feed(block)
    sections = [s for s in parser.sections if s.paragraphs or s.heading != INTRODUCTION]
    if len(sections) < 2:
        raise ArticleFormatError("no '###' section headings found")
    for section in sections:
        if not any(p.kind == "text" for p in section.paragraphs):
            raise ArticleFormatError(f"section {section.heading!r} has no text")
    _check_footnotes(sections, parser.footnotes)
    for footnote in parser.footnotes.values():
        footnote.text, footnote.url = split_footnote_url(footnote.text)
    return ParsedArticle(title, author, published_on, source_line, sections, parser.footnotes)


def _check_footnotes(sections: list[ParsedSection], footnotes: dict[int, ParsedFootnote]) -> None:
    """Every marker must name a footnote, and no footnote may be cited twice."""
    cited: set[int] = set()
    for section in sections:
        for paragraph in section.paragraphs:
            for number in paragraph.footnote_numbers:
                if number not in footnotes:
                    raise ArticleFormatError(f"marker <sup>{number}</sup> has no footnote text")
                if number in cited:
                    raise ArticleFormatError(f"footnote {number} is cited twice")
                cited.add(number)
