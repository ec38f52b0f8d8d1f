"""The zh-hans catalogues owned by the foundation are complete and compiled."""

import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = [
    ROOT / "locale/zh_Hans/LC_MESSAGES/django.po",
    ROOT / "accounts/locale/zh_Hans/LC_MESSAGES/django.po",
]


def _entries(text: str):
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""\n"' not in block:
            yield block, True
            continue
        msgid = re.search(r'^msgid "(.*)"', block, re.M)
        if not msgid or (msgid.group(1) == "" and "\nmsgid_plural" not in block):
            continue
        empty = re.search(
            r'^msgstr(\[0\])? ""\s*$', block.strip(), re.M
        ) and not re.search(r'^msgstr(\[0\])? ""\n"', block, re.M)
        yield block, bool(empty)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(path):
    text = path.read_text(encoding="utf-8")
    untranslated = [block for block, bad in _entries(text) if bad]
    assert not untranslated, "\n\n".join(untranslated[:5])
    mo = path.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= path.stat().st_mtime - 1


def test_strings_translate_at_run_time():
    with translation.override("zh-hans"):
        assert translation.gettext("Become a creator") == "成为创作者"
        assert translation.gettext("Log in") == "登录"


@pytest.mark.django_db
def test_language_falls_back_to_chinese_for_unsupported_browsers(client):
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content
    assert b'lang="zh-hans"' in body


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="zh-hans")
def test_english_browser_gets_english_chinese_browser_gets_chinese(client):
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    chinese = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Sign up" in english and "注册" not in english
    assert "注册" in chinese and 'lang="zh-hans"' in chinese
