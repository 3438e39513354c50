"""`manage.py validate_content [--article PATH] [--section SLUG]`: check the content packs.

Everything found is listed at once, by file and line: shape and reference errors, source
quotes against the article, the exam draws, and the test-wise cues (docs/content-pack.md,
"Cue checks"). Cues fail the command like errors: CI keeps the pack free of them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...article_markdown import ArticleFormatError, ParsedArticle, parse_article
from ...content_checks import check_exam_draws
from ...content_cues import (
    ArticleWords,
    Finding,
    bloom_balance,
    bloom_finding,
    item_cues,
    key_length_ranks,
    key_length_summary,
    uncovered_concepts,
)
from ...content_pack import BLOOM_LEVELS, ContentPack, check_quotes
from ._packs import add_pack_argument, read_packs

_ORIGIN = re.compile(r"^(?P<file>[^:]+?)(?::(?P<line>\d+))?: ")


class Command(BaseCommand):
    help = (
        "Validate content packs and report test-wise cues; with --article, also check every "
        "source quote and text copied from the article."
    )

    def add_arguments(self, parser):
        add_pack_argument(parser)
        parser.add_argument("--article", type=Path, help="The article's Markdown file.")
        parser.add_argument(
            "--section",
            action="append",
            dest="sections",
            metavar="SLUG",
            help="Report only what is found in this section's file (repeatable).",
        )

    def handle(self, *args, packs=None, article=None, sections=None, **options):
        parsed = None
        if article is not None:
            try:
                parsed = parse_article(article.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ArticleFormatError) as exc:
                raise CommandError(f"{article}: {exc}") from None
        problems: list[Finding | str] = []
        for pack, pack_errors in read_packs(packs):
            found = [*pack_errors, *self._review(pack, parsed)]
            if sections:
                found = _in_sections(pack, sections, found)
            problems += found
        if problems:
            for problem in sorted(problems, key=_position):
                self.stderr.write(str(problem))
            cues = Counter(p.check for p in problems if isinstance(p, Finding) and p.kind == "cue")
            errors = len(problems) - sum(cues.values())
            tally = ", ".join(f"{check} {n}" for check, n in sorted(cues.items()))
            raise CommandError(
                f"{errors} error(s) and {sum(cues.values())} cue(s) in the content pack"
                + (f" ({tally})." if tally else ".")
            )

    def _review(self, pack: ContentPack, parsed: ParsedArticle | None) -> list[Finding | str]:
        """Every check beyond the files' shape, with the pack's figures on stdout."""
        found: list[Finding | str] = [*check_exam_draws(pack), *uncovered_concepts(pack)]
        words = None
        if parsed is not None:
            quote_errors = check_quotes(pack, parsed)
            found += quote_errors
            words = ArticleWords(
                p.text for s in parsed.sections for p in s.paragraphs if p.kind == "text"
            )
        found += item_cues(pack, words)
        balance = bloom_balance(pack, BLOOM_LEVELS)
        found += [f for f in [bloom_finding(pack, balance)] if f]
        per_section = Counter(q.section for q in pack.questions)
        self.stdout.write(
            f"{pack.directory.name}: {len(pack.sections)} sections, {len(pack.concepts)} "
            f"concepts, {len(pack.questions)} questions, {len(pack.quizzes)} quizzes"
            + (
                ", every source quote verbatim in the article."
                if parsed and not quote_errors
                else "."
            )
        )
        self.stdout.write(
            "Questions per section: "
            + ", ".join(f"{s.slug} {per_section[s.slug]}" for s in pack.sections)
            + "."
        )
        self.stdout.write(str(balance))
        ranks = key_length_ranks(pack)
        if ranks:
            self.stdout.write(key_length_summary(ranks))
        return found


def _position(problem: Finding | str) -> tuple[str, int]:
    """File, then line: each writer reads their file's findings together, in order."""
    match = _ORIGIN.match(str(problem))
    if match is None:
        return "", 0
    return match["file"], int(match["line"] or 0)


def _in_sections(
    pack: ContentPack, slugs: list[str], found: list[Finding | str]
) -> list[Finding | str]:
    """Only what is reported in these sections' files (CommandError for an unknown slug)."""
    files = set()
    for slug in slugs:
        section = pack.section(slug)
        if section is None:
            raise CommandError(f"{pack.directory.name}: no section {slug!r}.")
        files.add(_position(f"{section.origin}: ")[0])
    return [p for p in found if _position(p)[0] in files]
