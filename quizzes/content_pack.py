"""Read and validate a content pack: the project's own YAML study material for one article.

Pure: no database. `read_pack` parses the files and checks their shape (the cross-file rules
and `check_quotes`, against the article's full text, are in content_checks.py). Every error
names its file and line. A pack may come from outside (`load_content --pack DIR`), so every
value it gives a column is held to the model's own rule for it (`column_problem`): what passes
here loads without a database error.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import models

from kzstudy.nul_guard import NUL, SURROGATE

from .content_checks import check_quotes, check_references, column_problem, pool_candidates
from .content_pack_data import ContentPack, PackConcept, PackQuestion, PackQuiz, PackSection
from .models import Article, BloomLevel, Concept, Question, Quiz, Section
from .qtypes import registry
from .qtypes.text_limits import question_text_errors
from .tagging import MAX_TAGS, tag_problem
from .textnorm import word_count

PACKS_DIR = Path(__file__).resolve().parent / "content"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BLOOM_LEVELS = tuple(BloomLevel.values)
SUMMARY_WORDS = (150, 300)
KEY_POINTS = (3, 6)
QUOTE_WORDS = (8, 40)
COMMON_QUESTION_FIELDS = {
    "id",
    "type",
    "difficulty",
    "bloom",
    "concepts",
    "stem",
    "explanation",
    "source_quote",
    "tags",
}
QUIZ_FIELDS = {
    "key",
    "title",
    "description",
    "mode",
    "layout",
    "max_attempts",
    "time_limit_minutes",
    "pass_mark",
    "shuffle_questions",
    "shuffle_choices",
    "section",
    "slots",
    "review_timing",
    "review_shows_correct",
    "review_shows_explanation",
    "review_key_after_last_attempt",
    "exam_protection",
}
# Quiz fields stored as they are given, each checked against its Quiz column (the key, title,
# section and slots have rules of their own).
QUIZ_COLUMNS = QUIZ_FIELDS - {"key", "title", "section", "slots"}


def _printable(text: str) -> str:
    """The text with NUL characters and lone surrogate halves replaced by U+FFFD."""
    return SURROGATE.sub("\ufffd", text.replace(NUL, "\ufffd"))


class _LineDict(dict):
    """A mapping that remembers the line it started on."""

    line = 0


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings carry their line numbers."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    pairs = loader.construct_pairs(node, deep=True)
    for (key, _), (key_node, _) in zip(pairs, node.value, strict=True):
        if not isinstance(key, Hashable):  # `? [a, b]`: a list is no field name
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                "found an unhashable key",
                key_node.start_mark,
            )
    mapping = _LineDict(pairs)
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Reader:
    """Collects errors while reading a pack's files."""

    def __init__(self, directory: Path) -> None:
        self.pack = ContentPack(directory=directory)
        self.errors: list[str] = []

    def where(self, file: Path, node: Any = None) -> str:
        line = getattr(node, "line", 0)
        name = f"{self.pack.directory.name}/{file.name}"
        return f"{name}:{line}" if line else name

    def error(self, file: Path, node: Any, message: str) -> None:
        self.errors.append(f"{self.where(file, node)}: {message}")

    def load(self, file: Path) -> Any:
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=_LineLoader)
        except (OSError, UnicodeDecodeError) as exc:
            self.error(file, None, f"cannot read the file ({exc}).")
        except RecursionError:
            self.error(file, None, "invalid YAML (nested too deeply).")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            self.errors.append(
                f"{self.pack.directory.name}/{file.name}{line}: invalid YAML ({exc})."
            )
        else:
            return self._storable(file, data, None, "")
        return None

    def _storable(self, file: Path, value: Any, node: Any, name: str) -> Any:
        """The data with text no column can store reported and replaced (by U+FFFD, so the
        messages about it print): a NUL, which PostgreSQL stores nowhere, or half of a UTF-16
        surrogate pair, which a YAML escape ("\\ud800") can write and no database encodes."""
        if isinstance(value, Mapping):
            clean = _LineDict()
            clean.line = getattr(value, "line", 0)
            for key, item in value.items():
                label = _printable(f"{name}.{key}" if name else str(key))
                clean[self._storable(file, key, value, label)] = self._storable(
                    file, item, value, label
                )
            return clean
        if isinstance(value, list):
            return [
                self._storable(file, item, node, f"{name}[{n}]")
                for n, item in enumerate(value, start=1)
            ]
        if isinstance(value, str) and _printable(value) != value:
            what = "a NUL character" if NUL in value else "half of a UTF-16 surrogate pair"
            self.error(file, node, f"{name or 'the file'}: holds {what}, which no field stores.")
            return _printable(value)
        return value

    def column(
        self, file: Path, node: Any, what: str, model: type[models.Model], name: str, value: Any
    ) -> None:
        """Report a value that the model's column `name` cannot hold; `what` names the object
        and the field as the pack does ("quiz final-exam: time_limit_minutes")."""
        problem = column_problem(model, name, value)
        if problem:
            self.error(file, node, f"{what} {problem}.")

    def text(self, file: Path, node: Mapping, name: str, *, required: bool = True) -> str:
        value = node.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(file, node, f"{name}: is required.")
            return ""
        if not isinstance(value, str | int | float):
            self.error(file, node, f"{name}: must be text.")
            return ""
        return " ".join(str(value).split())

    def unknown(self, file: Path, node: Mapping, allowed: set[str]) -> None:
        for name in node:
            if name not in allowed:
                self.error(file, node, f"unknown field {name!r}.")


def read_pack(directory: Path) -> tuple[ContentPack, list[str]]:
    """Read a pack directory; return the pack and every error found in its files."""
    reader = _Reader(directory)
    if not (directory / "article.yaml").is_file():
        return reader.pack, [f"{directory.name}: no article.yaml in the pack."]
    _read_article(reader, directory / "article.yaml")
    seen_sections: set[str] = set()
    for file in sorted(directory.glob("[0-9][0-9]-*.yaml")):
        slug = _read_section_file(reader, file)
        if slug in seen_sections:
            reader.error(file, None, f"section {slug!r} already has a file.")
        seen_sections.add(slug)
    for section in reader.pack.sections:
        if section.slug not in seen_sections:
            reader.errors.append(f"{directory.name}: no file for section {section.slug!r}.")
    if (directory / "quizzes.yaml").is_file():
        _read_quizzes(reader, directory / "quizzes.yaml")
    check_references(reader.pack, reader.errors)
    return reader.pack, reader.errors


def _read_article(reader: _Reader, file: Path) -> None:
    data = reader.load(file)
    if not isinstance(data, Mapping):
        reader.error(file, None, "must be a mapping with slug, title, author and sections.")
        return
    reader.unknown(file, data, {"slug", "title", "author", "published_on", "source", "sections"})
    pack = reader.pack
    pack.slug, pack.title = reader.text(file, data, "slug"), reader.text(file, data, "title")
    pack.author = reader.text(file, data, "author")
    pack.source = reader.text(file, data, "source", required=False)
    for name in ("slug", "title", "author", "source"):
        reader.column(file, data, name, Article, name, getattr(pack, name))
    published_on = data.get("published_on")
    if published_on is not None and not isinstance(published_on, date):
        reader.error(file, data, "published_on: must be a date (YYYY-MM-DD).")
    pack.published_on = published_on if isinstance(published_on, date) else None
    if pack.slug and not SLUG.match(pack.slug):
        reader.error(file, data, "slug: use lowercase letters, digits and hyphens.")
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        reader.error(file, data, "sections: give the article's sections in order.")
        return
    for position, node in enumerate(sections, start=1):
        if not isinstance(node, Mapping):
            reader.error(file, data, f"sections[{position}]: needs slug and heading.")
            continue
        slug, heading = reader.text(file, node, "slug"), reader.text(file, node, "heading")
        if slug and not SLUG.match(slug):
            reader.error(file, node, f"slug {slug!r}: use lowercase letters, digits and hyphens.")
        if pack.section(slug):
            reader.error(file, node, f"section {slug!r} is listed twice.")
        reader.column(file, node, f"section {slug}: slug", Section, "slug", slug)
        reader.column(file, node, f"section {slug}: heading", Section, "heading", heading)
        pack.sections.append(PackSection(slug, heading, position, origin=reader.where(file, node)))


def _read_section_file(reader: _Reader, file: Path) -> str:
    data = reader.load(file)
    if not isinstance(data, Mapping):
        reader.error(file, None, "must be a mapping with section, summary, concepts, questions.")
        return ""
    reader.unknown(file, data, {"section", "summary", "concepts", "questions"})
    slug = reader.text(file, data, "section")
    section = reader.pack.section(slug)
    if section is None:
        reader.error(file, data, f"section {slug!r} is not in article.yaml.")
        return slug
    _read_summary(reader, file, data.get("summary"), section)
    for node in _list(reader, file, data, "concepts"):
        _read_concept(reader, file, node, slug)
    for node in _list(reader, file, data, "questions"):
        _read_question(reader, file, node, slug)
    return slug


def _list(reader: _Reader, file: Path, data: Mapping, name: str) -> list[Mapping]:
    items = data.get(name) or []
    if not isinstance(items, list):
        reader.error(file, data, f"{name}: must be a list.")
        return []
    good = [item for item in items if isinstance(item, Mapping)]
    if len(good) != len(items):
        reader.error(file, data, f"{name}: every item must be a mapping.")
    return good


def _read_summary(reader: _Reader, file: Path, node: Any, section: PackSection) -> None:
    if not isinstance(node, Mapping):
        reader.error(file, None, "summary: give an overview and key points.")
        return
    reader.unknown(file, node, {"overview", "key_points"})
    section.origin = reader.where(file, node)
    section.overview = reader.text(file, node, "overview")
    words = word_count(section.overview)
    if section.overview and not SUMMARY_WORDS[0] <= words <= SUMMARY_WORDS[1]:
        reader.error(file, node, f"summary.overview: {words} words; write 150 to 300.")
    points = node.get("key_points")
    if not isinstance(points, list) or not all(isinstance(p, str) and p.strip() for p in points):
        reader.error(file, node, "summary.key_points: give a list of sentences.")
        return
    section.key_points = [" ".join(p.split()) for p in points]
    if not KEY_POINTS[0] <= len(points) <= KEY_POINTS[1]:
        reader.error(file, node, f"summary.key_points: {len(points)} points; give 3 to 6.")


def _read_concept(reader: _Reader, file: Path, node: Mapping, section: str) -> None:
    reader.unknown(file, node, {"slug", "term", "aliases", "definition"})
    slug = reader.text(file, node, "slug")
    if slug and not SLUG.match(slug):
        reader.error(file, node, f"slug {slug!r}: use lowercase letters, digits and hyphens.")
    if any(c.slug == slug for c in reader.pack.concepts):
        reader.error(file, node, f"concept {slug!r} is defined twice.")
    term = reader.text(file, node, "term")
    reader.column(file, node, f"concept {slug}: slug", Concept, "slug", slug)
    reader.column(file, node, f"concept {slug}: term", Concept, "term", term)
    aliases = node.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        reader.error(file, node, "aliases: must be a list of texts.")
        aliases = []
    reader.pack.concepts.append(
        PackConcept(
            slug=slug,
            term=term,
            definition=reader.text(file, node, "definition"),
            aliases=[" ".join(a.split()) for a in aliases],
            section=section,
            origin=reader.where(file, node),
        )
    )


def _read_question(reader: _Reader, file: Path, node: Mapping, section: str) -> None:
    key, qtype = reader.text(file, node, "id"), reader.text(file, node, "type")
    if key and not SLUG.match(key):
        reader.error(file, node, f"id {key!r}: use lowercase letters, digits and hyphens.")
    reader.column(file, node, f"question {key}: id", Question, "key", key)
    if qtype not in registry.all_keys():
        reader.error(file, node, f"type {qtype!r}: use one of {', '.join(registry.all_keys())}.")
        return
    fields = registry.get(qtype).authoring_fields
    reader.unknown(file, node, COMMON_QUESTION_FIELDS | fields)
    data = {name: node[name] for name in fields if name in node}
    for message in registry.get(qtype).validate(data):
        reader.error(file, node, f"question {key}: {message}")
    difficulty = node.get("difficulty")
    problem = column_problem(Question, "difficulty", difficulty)
    if problem:
        reader.error(file, node, f"question {key}: difficulty {problem}.")
        difficulty = Question._meta.get_field("difficulty").default
    bloom = reader.text(file, node, "bloom")
    if bloom:
        reader.column(file, node, f"question {key}: bloom", Question, "bloom_level", bloom)
    concepts = node.get("concepts") or []
    if not isinstance(concepts, list) or not all(isinstance(c, str) for c in concepts):
        reader.error(file, node, f"question {key}: concepts must be a list of slugs.")
        concepts = []
    elif not concepts:
        reader.error(file, node, f"question {key}: concepts: tag at least one concept.")
    tags = _read_tags(reader, file, node, key)
    quote = reader.text(file, node, "source_quote")
    words = word_count(quote)
    if quote and not QUOTE_WORDS[0] <= words <= QUOTE_WORDS[1]:
        reader.error(file, node, f"question {key}: source_quote has {words} words; quote 8 to 40.")
    stem, explanation = reader.text(file, node, "stem"), reader.text(file, node, "explanation")
    for message in question_text_errors(stem=stem, explanation=explanation, source_quote=quote):
        reader.error(file, node, f"question {key}: {message}")
    reader.pack.questions.append(
        PackQuestion(
            key=key,
            qtype=qtype,
            section=section,
            difficulty=difficulty,
            bloom=bloom,
            concepts=concepts,
            stem=stem,
            data=_plain(data),
            explanation=explanation,
            source_quote=quote,
            origin=reader.where(file, node),
            tags=tags,
        )
    )


def _read_tags(reader: _Reader, file: Path, node: Mapping, key: str) -> list[str]:
    """A question's tags: a list of distinct tag names (slugs), or nothing."""
    tags = node.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        reader.error(file, node, f"question {key}: tags must be a list of tag names.")
        return []
    for tag in tags:
        problem = tag_problem(tag)
        if problem:
            reader.error(file, node, f"question {key}: {problem}.")
    if len(set(tags)) != len(tags):
        reader.error(file, node, f"question {key}: a tag is listed twice.")
    if len(tags) > MAX_TAGS:
        reader.error(file, node, f"question {key}: at most {MAX_TAGS} tags.")
    return [t for t in dict.fromkeys(tags) if not tag_problem(t)]


def _plain(value: Any) -> Any:
    """Drop the line-number mapping subclass so data compares and serialises as plain JSON."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _read_quizzes(reader: _Reader, file: Path) -> None:
    data = reader.load(file)
    if not isinstance(data, Mapping) or not isinstance(data.get("quizzes"), list):
        reader.error(file, None, "must be a mapping with a list of quizzes.")
        return
    for node in _list(reader, file, data, "quizzes"):
        reader.unknown(file, node, QUIZ_FIELDS)
        key = reader.text(file, node, "key")
        if key and not SLUG.match(key):
            reader.error(file, node, f"key {key!r}: use lowercase letters, digits and hyphens.")
        reader.column(file, node, f"quiz {key}: key", Quiz, "key", key)
        title = reader.text(file, node, "title")
        if title:
            raw = node["title"] if isinstance(node["title"], str) else title
            reader.column(file, node, f"quiz {key}: title", Quiz, "title", raw)
        if any(q.key == key for q in reader.pack.quizzes):
            reader.error(file, node, f"quiz {key!r} is defined twice.")
        if "mode" not in node:  # no default: a pack says whether a quiz is graded
            reader.column(file, node, f"quiz {key}: mode", Quiz, "mode", None)
        for name, value in node.items():
            if name in QUIZ_COLUMNS:
                reader.column(file, node, f"quiz {key}: {name}", Quiz, name, value)
        later = node.get("review_key_after_last_attempt", False)
        if later is True and node.get("max_attempts") is None:
            reader.error(
                file,
                node,
                f"quiz {key}: review_key_after_last_attempt needs max_attempts (with unlimited "
                "attempts there is no last attempt, and the review would never show the key).",
            )
        slots = node.get("slots")
        if not isinstance(slots, list) or not slots:
            reader.error(file, node, f"quiz {key}: give at least one slot.")
            slots = []
        fields = {k: _plain(v) for k, v in node.items() if k not in ("key", "slots")}
        reader.pack.quizzes.append(
            PackQuiz(key, fields, [_plain(s) for s in slots], reader.where(file, node))
        )


def available_packs() -> list[Path]:
    """Pack directories shipped with the project."""
    return sorted(p for p in PACKS_DIR.iterdir() if (p / "article.yaml").is_file())


__all__ = [
    "ContentPack",
    "PackConcept",
    "PackQuestion",
    "PackQuiz",
    "PackSection",
    "available_packs",
    "check_quotes",
    "pool_candidates",
    "read_pack",
]
