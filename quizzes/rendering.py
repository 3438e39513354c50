"""Render the article's inline Markdown as safe HTML (escape first, then add known markup)."""

from __future__ import annotations

import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe

from .textnorm import locate_quote

_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"\*(.+?)\*")
_FOOTNOTE = re.compile(r"&lt;sup&gt;(\d+)&lt;/sup&gt;")
_ORDINAL = re.compile(r"&lt;sup&gt;([a-z]{1,3})&lt;/sup&gt;")
_ALLOWED_TAGS = {"strong", "em", "sup", "a"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "id", "class", "aria-label"}, "sup": {"id"}}


def render_inline(markdown: str, *, footnote_prefix: str = "fn") -> SafeString:
    """Emphasis, ordinal suffixes and footnote markers (as links to `#fn<N>`); nothing else.

    Everything is escaped before markup is added, and nh3 cleans the result, so text from any
    source (the article, instructors) cannot inject HTML.
    """
    text = html.escape(markdown, quote=True)
    text = _STRONG.sub(r"<strong>\1</strong>", text)
    text = _EM.sub(r"<em>\1</em>", text)
    text = _ORDINAL.sub(r"<sup>\1</sup>", text)
    text = _FOOTNOTE.sub(
        lambda m: (
            f'<sup id="{footnote_prefix}ref{m[1]}"><a href="#{footnote_prefix}{m[1]}" '
            f'class="footnote-ref" aria-label="Footnote {m[1]}">{m[1]}</a></sup>'
        ),
        text,
    )
    cleaned = nh3.clean(text, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, link_rel=None)
    return mark_safe(cleaned)


_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"


def render_inline_highlighted(markdown: str, passage: str) -> SafeString:
    """Render inline Markdown with a passage wrapped in <mark>.

    The passage is located in the source text (typographic quotes, emphasis and footnote
    markers folded), fenced with private-use characters, and only those become markup after
    escaping and cleaning, so nothing from the request can reach the page as HTML.
    """
    span = locate_quote(markdown, passage)
    if span is None:
        return render_inline(markdown)
    start, end = span
    fenced = f"{markdown[:start]}{_MARK_OPEN}{markdown[start:end]}{_MARK_CLOSE}{markdown[end:]}"
    rendered = render_inline(fenced)
    return mark_safe(rendered.replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>"))


_RICH_TAGS = {"em", "strong", "b", "i", "code", "sub", "sup", "br", "p", "ul", "ol", "li", "a"}


def render_rich_text(text: str) -> SafeString:
    """Text that instructors write (stems, explanations, feedback): a little formatting is kept,
    everything else (scripts, event handlers, styles, unknown tags) is removed by nh3."""
    cleaned = nh3.clean(
        text,
        tags=_RICH_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # cleaned by nh3 with a strict allow-list
