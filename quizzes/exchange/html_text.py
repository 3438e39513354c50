"""The plain text of an HTML fragment from an imported file, in time linear in its length.

Imported question texts are HTML written by anyone. `html.parser` rescans the rest of the text
for every unclosed `<a ` (a 150 kB text kept a worker busy for minutes) and nh3's tree builder
is superlinear on misnested tags, so texts are read by this tokenizer instead. It follows the
HTML tokenizer's rules for what it needs (tags, comments, raw text of script and style) and,
like that tokenizer, never goes back: a tag, comment or script left open at the end of the text
swallows the rest, so every character is looked at a bounded number of times. A text longer than
MAX_TEXT_CHARS is refused before any of it is read.
"""

from __future__ import annotations

import re
from html import unescape

MAX_TEXT_CHARS = 20_000  # one text as written in the file, markup included
BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_SKIPPED = ("script", "style")
_SPACES = re.compile(r"[ \t\r\f\v]+")
# Where markup may start; any other '<' is text, as in "1 < 2".
_MARKUP = re.compile(r"<[a-zA-Z/!?]")
# A tag: its name, then attributes where a quoted value may hold '>'. The alternatives start
# with different characters and the closing '>' is optional, so matching never backtracks;
# without that '>' the tag is open at the end of the text.
_TAG = re.compile(r"""<(/?)([a-zA-Z][^\t\n\r\f />]*)(?:[^>"']+|"[^"]*"|'[^']*')*(>?)""")
_SKIP_END = {name: re.compile(rf"</{name}[\t\n\r\f />]", re.IGNORECASE) for name in _SKIPPED}


class TextTooLong(ValueError):
    """A text of the file is longer than MAX_TEXT_CHARS; it was not read."""

    def __init__(self, length: int) -> None:
        super().__init__(
            f"a text is {length:,} characters long; the limit is {MAX_TEXT_CHARS:,} "
            "(markup included)."
        )


def _fold(data: str) -> str:
    """Text between tags as HTML shows it: entities decoded, line breaks and runs of spaces
    folded into one space."""
    return _SPACES.sub(" ", unescape(data).replace("\n", " "))


def _tokens(fragment: str) -> list[str]:
    """The fragment's text pieces, with '\\n' for a break and '\\n\\n' around a block."""
    parts: list[str] = []
    pos, end = 0, len(fragment)
    while pos < end:
        markup = _MARKUP.search(fragment, pos)
        if markup is None:
            parts.append(_fold(fragment[pos:]))
            break
        lt = markup.start()
        parts.append(_fold(fragment[pos:lt]))
        tag = _TAG.match(fragment, lt)
        if tag is not None:
            if not tag.group(3):
                break  # a tag open at the end of the text
            pos = tag.end()
            closing, name = tag.group(1), tag.group(2).lower()
            if name == "br" and not closing:
                parts.append("\n")
            elif name in BLOCK_TAGS:
                parts.append("\n\n")
            elif name in _SKIPPED and not closing:
                skipped_to = _SKIP_END[name].search(fragment, pos)
                if skipped_to is None:
                    break
                pos = skipped_to.start()
            continue
        if fragment.startswith("<!--", lt):
            close = fragment.find("-->", lt + 4)
            if close < 0:
                break
            pos = close + 3
        else:
            # A declaration, processing instruction or malformed end tag: a comment up to '>'.
            close = fragment.find(">", lt + 2)
            if close < 0:
                break
            pos = close + 1
    return parts


def html_to_text(fragment: str) -> str:
    """The plain text of an HTML fragment: tags dropped, entities decoded, spacing tidied.

    Raises TextTooLong, before reading anything, when the fragment is longer than
    MAX_TEXT_CHARS.
    """
    if len(fragment) > MAX_TEXT_CHARS:
        raise TextTooLong(len(fragment))
    text = "".join(_tokens(fragment))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
