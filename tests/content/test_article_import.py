"""Importing the article into the database, and the import_article command."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from quizzes.errors import ArticleMismatch
from quizzes.models import Footnote, Paragraph, Section
from quizzes.services.articles import article_import

pytestmark = [pytest.mark.django_db, pytest.mark.needs_article]


def snapshot():
    return (
        list(Paragraph.objects.order_by("pk").values_list("pk", "text")),
        list(Footnote.objects.order_by("pk").values_list("pk", "number", "paragraph_id", "url")),
        list(Section.objects.order_by("pk").values_list("pk", "slug", "heading")),
    )


def test_import_fills_sections_paragraphs_and_footnotes(imported_article):
    article = imported_article
    assert article.has_full_text and article.author == "Svante E. Cornell"
    assert article.sections.count() == 9
    assert Footnote.objects.filter(article=article).count() == 45
    assert not Footnote.objects.filter(article=article, paragraph__isnull=True).exists()
    note = Footnote.objects.get(article=article, number=40)
    assert note.paragraph.section.slug == "freedom-of-expression-and-media"
    assert "article 174 of the penal code" in note.paragraph.text


def test_import_keeps_the_content_packs_section_slugs(imported_article):
    slugs = list(imported_article.sections.order_by("position").values_list("slug", flat=True))
    assert slugs[:3] == ["introduction", "state-building-model", "tokayev-reform-agenda"]


def test_importing_again_changes_nothing(imported_article, article_source):
    before = snapshot()
    result = article_import(source=article_source)
    assert result.changed is False
    assert snapshot() == before


def test_a_file_whose_sections_differ_is_rejected_and_changes_nothing(
    imported_article, article_source
):
    before = snapshot()
    broken = article_source.replace("### Law Enforcement Abuse", "### Police Matters")
    with pytest.raises(ArticleMismatch, match="Police Matters"):
        article_import(source=broken)
    assert snapshot() == before


def test_importing_a_new_article_creates_it_with_its_sections(db, article_source):
    result = article_import(
        source=article_source.replace(
            "## Human Rights Reforms in Kazakhstan", "## A Copy Of The Article"
        )
    )
    assert result.changed and result.article.slug == "a-copy-of-the-article"
    assert result.section_count == 9 and result.footnote_count == 45
    assert result.article.sections.get(position=4).slug == "law-enforcement-abuse"


def test_command_reports_counts(article_path, capsys):
    call_command("import_article", str(article_path))
    assert "9 sections, 71 paragraphs, 45 footnotes" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"\xff\xfe\x00bad", "cannot read"), (b"no title here\n", "title")],
)
def test_command_rejects_missing_or_malformed_files(tmp_path, content, message):
    path = tmp_path / "article.md"
    if content is not None:
        path.write_bytes(content)
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(path))
    assert snapshot() == before


def test_command_exits_non_zero_with_a_one_line_error(tmp_path):
    env = {
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "import_article", str(tmp_path / "missing.md")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "no such file" in result.stderr
