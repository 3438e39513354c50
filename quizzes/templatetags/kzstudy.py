"""Template filters of kzstudy."""

from django import template

from ..glossary import link_terms
from ..rendering import render_inline, render_inline_highlighted, render_rich_text

register = template.Library()


@register.filter
def inline_markdown(text: str):
    """Render the article's inline Markdown safely."""
    return render_inline(text or "")


@register.filter
def inline_markdown_highlight(text: str, passage: str):
    """Render the article's inline Markdown with a passage wrapped in <mark> where it matches."""
    return render_inline_highlighted(text or "", passage or "")


@register.filter
def rich_text(text: str):
    """Sanitise text an instructor wrote (nh3 allow-list) before it is shown."""
    return render_rich_text(text or "")


@register.filter
def link_glossary(html: str, terms):
    """Link the first mention of each glossary term in already-safe HTML to its entry."""
    return link_terms(str(html), terms or [])
