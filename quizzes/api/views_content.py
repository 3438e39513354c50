"""API: articles, their sections (summary, key points, concepts, full text) and the glossary."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Article, Concept, Section
from ..selectors import section_get_for_page
from ..textnorm import plain_text
from . import examples as ex


class SectionRefSerializer(serializers.Serializer):
    """A section in a list."""

    position = serializers.IntegerField()
    slug = serializers.CharField()
    heading = serializers.CharField()


class ArticleSerializer(serializers.Serializer):
    """An article and its sections."""

    slug = serializers.CharField()
    title = serializers.CharField()
    author = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    source = serializers.CharField(allow_blank=True)
    has_full_text = serializers.BooleanField()
    sections = SectionRefSerializer(many=True)


class ConceptSerializer(serializers.Serializer):
    """A glossary entry."""

    slug = serializers.CharField()
    term = serializers.CharField()
    definition = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    section = serializers.CharField(source="section.slug")


class ParagraphSerializer(serializers.Serializer):
    """A paragraph of the full text (plain text, with its footnote numbers)."""

    anchor = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.SerializerMethodField()
    footnotes = serializers.SerializerMethodField()

    def get_text(self, paragraph) -> str:
        return plain_text(paragraph.text)

    def get_footnotes(self, paragraph) -> list[dict]:
        return [
            {"number": f.number, "text": f.text, "url": f.url} for f in paragraph.footnotes.all()
        ]


class SectionSerializer(serializers.Serializer):
    """A section's study material."""

    position = serializers.IntegerField()
    slug = serializers.CharField()
    heading = serializers.CharField()
    summary = serializers.CharField(source="summary.overview", default="")
    key_points = serializers.ListField(
        child=serializers.CharField(), source="summary.key_points", default=list
    )
    concepts = ConceptSerializer(many=True, source="concepts.all")
    paragraphs = ParagraphSerializer(many=True, source="paragraphs.all")


def _articles():
    return Article.objects.prefetch_related("sections").order_by("title")


@extend_schema_view(
    get=extend_schema(
        summary="Articles",
        operation_id="articles_list",
        examples=[ex.PageExample("Articles", value=ex.page([ex.ARTICLE]), response_only=True)],
    )
)
class ArticleListView(ListAPIView):
    """Every article with its sections."""

    serializer_class = ArticleSerializer

    def get_queryset(self):
        return _articles()


class ArticleDetailView(APIView):
    """One article with its sections."""

    @extend_schema(
        responses=ArticleSerializer,
        summary="An article",
        operation_id="article_get",
        examples=[OpenApiExample("Article", value=ex.ARTICLE, response_only=True)],
    )
    def get(self, request, slug: str):
        return Response(ArticleSerializer(get_object_or_404(_articles(), slug=slug)).data)


class SectionDetailView(APIView):
    """A section: summary, key points, concepts and the footnoted full text."""

    @extend_schema(
        responses=SectionSerializer,
        summary="A section",
        operation_id="section_get",
        examples=[
            OpenApiExample(
                "Section",
                value=ex.SECTION,
                summary="A section (abridged: its first key points, concepts and paragraphs)",
                response_only=True,
            )
        ],
    )
    def get(self, request, slug: str, section: str):
        try:
            found = section_get_for_page(article_slug=slug, section_slug=section)
        except Section.DoesNotExist:
            raise NotFound("No such section.") from None
        return Response(SectionSerializer(found).data)


@extend_schema_view(
    get=extend_schema(
        summary="Glossary",
        operation_id="glossary_list",
        examples=[
            ex.PageExample(
                "Glossary",
                value=ex.GLOSSARY_PAGE,
                summary="Glossary (abridged: three of its terms)",
                response_only=True,
            )
        ],
    )
)
class GlossaryView(ListAPIView):
    """The article's glossary, alphabetically."""

    serializer_class = ConceptSerializer

    def get_queryset(self):
        article = get_object_or_404(Article, slug=self.kwargs["slug"])
        return Concept.objects.filter(article=article).select_related("section").order_by("term")
