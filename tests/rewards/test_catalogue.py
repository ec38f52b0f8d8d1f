"""The rewards zh-hans catalogue is complete and compiled."""

from pathlib import Path

from tests.test_i18n import _entries

PO = (
    Path(__file__).resolve().parents[2] / "rewards/locale/zh_Hans/LC_MESSAGES/django.po"
)


def test_rewards_catalogue_is_complete_and_compiled():
    text = PO.read_text(encoding="utf-8")
    untranslated = [block for block, bad in _entries(text) if bad]
    assert not untranslated, "\n\n".join(untranslated[:5])
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 1
