"""The zh-hans catalogues owned by the foundation are complete and compiled."""

import gettext
import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
# Every zh-hans catalogue of the project: the top-level one and each app's.
CATALOGUES = sorted(
    path
    for path in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
) + [ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(lines: list[str]) -> str:
    """Join the quoted pieces of a .po field and resolve its C escapes."""
    return "".join(
        re.sub(
            r"\\(.)",
            lambda m: _ESCAPES.get(m.group(1), m.group(0)),
            line[line.index('"') + 1 : line.rindex('"')],
        )
        for line in lines
    )


def _po_entries(text: str):
    """Yield (msgctxt, msgid, [msgstr...], fuzzy) for every entry of a .po file."""
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line.strip()]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, list[str]] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[current].append(line)
                continue
            key, _, rest = line.partition(" ")
            current = key
            fields[current] = [rest]
        if "msgid" not in fields:
            continue
        msgid = _unquote(fields["msgid"])
        if msgid == "" and "msgctxt" not in fields:
            continue  # the header
        strs = [
            _unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")
        ]
        context = _unquote(fields["msgctxt"]) if "msgctxt" in fields else None
        yield context, msgid, strs, fuzzy


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(path):
    """No empty or fuzzy entry, and the committed .mo holds every translation."""
    entries = list(_po_entries(path.read_text(encoding="utf-8")))
    assert entries, f"{path} is empty"
    bad = [msgid for _, msgid, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert not bad, f"untranslated or fuzzy in {path}: {bad[:10]}"
    with path.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    stale = []
    for context, msgid, strs, _ in entries:
        key = f"{context}\x04{msgid}" if context else msgid
        if key in catalog:
            if catalog[key] != strs[0]:
                stale.append(msgid)
        elif (key, 0) not in catalog:
            stale.append(msgid)
    assert not stale, (
        f"{path.with_suffix('.mo')} is stale (run compilemessages): {stale[:10]}"
    )


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


@pytest.mark.django_db
def test_breadcrumbs_are_named_in_the_page_language(client):
    """`<nav aria-label="breadcrumb">` stayed English on the Chinese pages (a
    screen reader says it); every template names it through the catalogue."""
    from tests.factories import CourseFactory

    course = CourseFactory()
    page = client.get(course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert 'aria-label="当前位置"' in html
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("*/templates/**/*.html")
        if 'aria-label="breadcrumb"' in path.read_text(encoding="utf-8")
    ]
    assert not offenders


def test_labels_end_in_a_colon_of_the_page_language():
    """A colon typed after a translated label stays ASCII on a Chinese page
    ("回答率: 100%"); the colon belongs inside the message ("回答率：")."""
    label_then_colon = re.compile(r'(translate "[^"]*"|endblocktranslate) %\}:')
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [
            *ROOT.glob("*/templates/**/*.html"),
            *ROOT.glob("templates/**/*.html"),
        ]
        if ".venv" not in path.parts and "admin" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if label_then_colon.search(line)
    ]
    assert offenders == []


@pytest.mark.django_db
def test_expert_page_reads_response_rate_with_a_chinese_colon(client):
    from tests.live.factories import ExpertProfileFactory

    expert = ExpertProfileFactory()
    page = client.get(expert.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "回答率：" in text
    assert "回答率:" not in text
