"""Content: the source article, its sections, full text, and the project's study material."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    """A source article that the study material is built on."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author"), max_length=200)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    full_text_sha256 = models.CharField(
        _("SHA-256 of the imported full text"),
        max_length=64,
        blank=True,
        help_text=_("Empty until the full text is imported."),
    )
    full_text_imported_at = models.DateTimeField(_("full text imported at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_full_text(self) -> bool:
        """Whether the full text has been imported."""
        return bool(self.full_text_sha256)


class Section(models.Model):
    """One section of an article, in reading order (the introduction is position 1)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"))
    slug = models.SlugField(_("slug"), max_length=120)
    heading = models.CharField(_("heading"), max_length=300)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="unique_section_position_per_article"
            ),
            models.UniqueConstraint(
                fields=["article", "slug"], name="unique_section_slug_per_article"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="section_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.heading}"

    def get_absolute_url(self) -> str:
        return reverse(
            "quizzes:section", kwargs={"article": self.article.slug, "section": self.slug}
        )


class ParagraphKind(models.TextChoices):
    """What a block of the full text is."""

    TEXT = "text", _("body text")
    CAPTION = "caption", _("photo caption")
    BIO = "bio", _("author note")


class Paragraph(models.Model):
    """A whole paragraph of the imported full text, rejoined across page breaks.

    The text keeps the article's inline Markdown (emphasis and `<sup>N</sup>` footnote markers);
    templates render it through a sanitising filter.
    """

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=ParagraphKind, default=ParagraphKind.TEXT
    )
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="unique_paragraph_position_per_section"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="paragraph_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section.heading} ¶{self.position}"

    @property
    def anchor(self) -> str:
        """The HTML id of this paragraph on its section page."""
        return f"p{self.position}"


class Footnote(models.Model):
    """A numbered footnote of the article, tied to the paragraph whose marker cites it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="footnotes")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    url = models.URLField(_("URL"), max_length=500, blank=True)
    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.SET_NULL, null=True, blank=True, related_name="footnotes"
    )

    class Meta:
        verbose_name = _("footnote")
        verbose_name_plural = _("footnotes")
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="unique_footnote_number_per_article"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="footnote_number_positive"),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] {self.text[:60]}"


class Summary(models.Model):
    """The project's own summary of a section: an overview and 3 to 6 key points."""

    section = models.OneToOneField(Section, on_delete=models.CASCADE, related_name="summary")
    overview = models.TextField(_("overview"))
    key_points = models.JSONField(_("key points"), default=list)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")

    def __str__(self) -> str:
        return f"Summary of {self.section.heading}"


class Concept(models.Model):
    """A glossary entry: a term the article uses, defined in the project's own words."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="concepts")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="concepts")
    slug = models.SlugField(_("slug"), max_length=120)
    term = models.CharField(_("term"), max_length=200)
    definition = models.TextField(_("definition"))
    aliases = models.JSONField(_("aliases"), default=list, blank=True)

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "slug"], name="unique_concept_slug_per_article"
            ),
        ]

    def __str__(self) -> str:
        return self.term
