"""Inline Markdown from the article is rendered safely."""

from quizzes.rendering import render_inline


def test_emphasis_and_footnote_markers_become_markup():
    html = render_inline("**Bold** and *italic* text.<sup>12</sup>")
    assert "<strong>Bold</strong>" in html and "<em>italic</em>" in html
    assert '<a href="#fn12"' in html


def test_html_in_the_text_is_escaped_not_executed():
    html = render_inline('<script>alert(1)</script><img src=x onerror="alert(2)"> *fine*')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<em>fine</em>" in html
