"""notifications is called by all and calls none: it imports no domain app."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOMAIN_APPS = {
    config.name.split(".")[0]
    for config in apps.get_app_configs()
    if (ROOT / config.name.split(".")[0]).is_dir()
} - {"notifications", "kpplatform", "core"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_notifications_imports_no_domain_app():
    assert {"community", "courses", "accounts"} <= DOMAIN_APPS
    offenders = []
    for path in (ROOT / "notifications").rglob("*.py"):
        for module in _imports(path):
            if module.split(".")[0] in DOMAIN_APPS:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []
