"""Shared option handling for the content-pack commands."""

from pathlib import Path

from django.core.management.base import CommandError

from ...content_pack import ContentPack, available_packs, read_pack


def add_pack_argument(parser) -> None:
    """Add `--pack DIR` (default: every pack shipped with the project)."""
    parser.add_argument(
        "--pack",
        type=Path,
        action="append",
        dest="packs",
        help="A content-pack directory (repeatable; default: every shipped pack).",
    )


def read_packs(paths: list[Path] | None) -> list[tuple[ContentPack, list[str]]]:
    """Read each pack; CommandError when a given directory does not exist."""
    paths = paths or available_packs()
    for path in paths:
        if not path.is_dir():
            raise CommandError(f"{path}: no such pack directory.")
    return [read_pack(path) for path in paths]
