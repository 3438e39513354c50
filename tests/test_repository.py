"""Rules about what the repository itself may hold."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRIVATE_KEY_MARKERS = ("PRIVATE KEY-----", "BEGIN OPENSSH PRIVATE KEY")


def tracked_files() -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    return [REPO / name for name in listing.split("\0") if name]


def test_repository_holds_no_private_keys():
    """Keys are generated at run time (the LTI tool key) or by tests in a temporary folder;
    a key in the repository is a key every reader holds (issue #11, item 19)."""
    files = tracked_files()
    assert len(files) > 100  # the listing worked
    offenders = [
        str(path.relative_to(REPO))
        for path in files
        if path.is_file()
        and path.suffix not in {".png", ".jpg", ".ico", ".woff2"}
        and any(marker in path.read_text(errors="ignore") for marker in PRIVATE_KEY_MARKERS)
        and path.name != Path(__file__).name
    ]
    assert offenders == []
