"""Template filters of kzstudy."""

from django import template

from ..rendering import render_inline, render_inline_highlighted

register = template.Library()


@register.filter
def inline_markdown(text: str):
    """Render the article's inline Markdown safely."""
    return render_inline(text or "")


@register.filter
def inline_markdown_highlight(text: str, passage: str):
    """Render the article's inline Markdown with a passage wrapped in <mark> where it matches."""
    return render_inline_highlighted(text or "", passage or "")
