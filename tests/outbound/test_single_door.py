"""Every fetch of an outside URL goes through quizzes/outbound.py: no other module of the
project imports an HTTP client, so a new fetcher cannot bypass the policy unnoticed."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

HTTP_CLIENTS = {"requests", "urllib3", "httpx", "aiohttp", "http.client", "urllib.request"}
THE_DOOR = Path("quizzes/outbound.py")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _is_http_client(module: str) -> bool:
    return any(module == c or module.startswith(c + ".") for c in HTTP_CLIENTS)


def test_only_the_outbound_module_imports_an_http_client():
    base = Path(settings.BASE_DIR)
    offenders = {
        str(path.relative_to(base)): sorted(m for m in _imports(path) if _is_http_client(m))
        for folder in ("quizzes", "kzstudy")
        for path in sorted((base / folder).rglob("*.py"))
        if path.relative_to(base) != THE_DOOR and "migrations" not in path.parts
    }

    assert {path: found for path, found in offenders.items() if found} == {}
    assert _imports(base / THE_DOOR) >= {"requests", "urllib3"}
