"""Template filters of kzstudy."""

from django import template

from ..rendering import render_inline

register = template.Library()


@register.filter
def inline_markdown(text: str):
    """Render the article's inline Markdown safely."""
    return render_inline(text or "")
