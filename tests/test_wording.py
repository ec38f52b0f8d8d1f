"""The zh-hans wording: one translation per msgid, the glossary's terms, the
words that were reported wrong.

Django merges every catalogue into one, so a msgid translated two ways in two
catalogues shows one of them everywhere: "points" became 分值 (a quiz
question's points) on the points balance, "Pending" 待审核 on a queued
retraining job, "Status" 运行状态 on a course's status.
"""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from analytics.models import Event
from commerce.ledger import Payout
from commerce.models import Order
from community.models import Thread
from recommendations.models import ModelRun
from rewards.models import CreatorLevel, PointEntry
from tests.test_i18n import CATALOGUES, _po_entries

ROOT = Path(__file__).resolve().parent.parent


def _entries():
    for path in CATALOGUES:
        for context, msgid, strs, _fuzzy in _po_entries(
            path.read_text(encoding="utf-8")
        ):
            yield path.relative_to(ROOT), context, msgid, strs


def test_one_msgid_has_one_translation_in_every_catalogue():
    seen: dict = {}
    for path, context, msgid, strs in _entries():
        seen.setdefault((context, msgid), {}).setdefault(tuple(strs), []).append(
            str(path.parts[0])
        )
    clashes = {key: found for key, found in seen.items() if len(found) > 1}
    assert not clashes, (
        "the same msgid is translated differently in two catalogues; only one "
        "is ever shown. Pick one term (docs/glossary.md) or give the English a "
        f"context (pgettext): {clashes}"
    )


def _avoided_words() -> list[tuple[str, str]]:
    text = (ROOT / "docs/glossary.md").read_text(encoding="utf-8")
    section = text.split("## Words to avoid", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] not in ("avoid", "") and "---" not in line:
            rows.append((cells[0], cells[1]))
    return rows


def test_the_glossary_lists_words_to_avoid():
    assert ("讲师", "创作者") in _avoided_words()


def test_no_catalogue_uses_a_word_the_glossary_avoids():
    found = [
        (str(path), msgid, avoid, use)
        for path, _context, msgid, strs in _entries()
        for avoid, use in _avoided_words()
        for msgstr in strs
        if avoid in msgstr
    ]
    assert not found, f"words docs/glossary.md says to avoid: {found[:20]}"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (lambda: Order.State.PAID.label, "已支付"),
        (lambda: Payout.Status.PAID.label, "已打款"),
        (lambda: PointEntry._meta.get_field("points").verbose_name, "积分"),
        (lambda: ModelRun.Status.PENDING.label, "排队中"),
        (lambda: CreatorLevel._meta.get_field("level").verbose_name, "等级"),
        (lambda: Thread._meta.get_field("is_featured").verbose_name, "精华"),
        (lambda: Event._meta.get_field("value").verbose_name, "数值"),
    ],
)
def test_the_reported_labels_read_right_in_chinese(label, expected):
    with translation.override("zh-hans"):
        assert str(label()) == expected


@pytest.mark.parametrize(
    ("source", "expected", "wrong"),
    [
        ('{% translate "Status" %}', "状态", "运行状态"),
        ('{% translate "Status" context "service health" %}', "运行状态", None),
        ('{% translate "Start training" %}', "开始训练", "开始学习"),
        ('{% translate "Question" context "quiz" %}', "题目", None),
        ('{% translate "Question" %}', "问答", "题目"),
        ('{% translate "Review" context "a course review" %}', "评价", "复习"),
        ('{% translate "Creator studio" %}', "创作者中心", None),
    ],
)
def test_template_words_read_right_in_chinese(source, expected, wrong):
    with translation.override("zh-hans"):
        text = Template("{% load i18n %}" + source).render(Context())
    assert text == expected
    assert wrong is None or wrong not in text


def test_an_order_hold_reads_as_a_duration():
    """ "订单将为你保留至29分钟以后" mixed a point in time with a duration."""
    with translation.override("zh-hans"):
        text = Template(
            "{% load i18n %}{% blocktranslate with when='29 分钟' %}"
            "This order is kept for you for another {{ when }}.{% endblocktranslate %}"
        ).render(Context())
    assert text == "订单将再为你保留 29 分钟。"
    source = (ROOT / "commerce/templates/commerce/order_detail.html").read_text()
    assert "expires_at|naturaltime" not in source
    assert re.search(r"for another \{\{ when \}\}", source)


def test_django_and_the_admin_say_you_like_the_site():
    """Django's own Chinese says 您 in an image field's error and in the admin's
    saved message, login, logout and error pages; the site says 你."""
    from core.third_party_strings import DJANGO_YOU

    with translation.override("zh-hans"):
        read = [str(text) for text in DJANGO_YOU]
    assert all(
        text != source for text, source in zip(read, _english(DJANGO_YOU), strict=True)
    )
    assert not [text for text in read if "您" in text], read


def _english(texts):
    with translation.override("en"):
        return [str(text) for text in texts]


def test_a_live_lecture_is_always_a_live_lecture_in_chinese():
    """docs/glossary.md: a live lecture is 直播讲座. A bare 讲座 (这场讲座已经取消。,
    免费讲座) read like a course's recorded lecture."""
    bare = re.compile(r"(?<!直播)讲座")
    found = [
        (str(path), msgid, msgstr)
        for path, _context, msgid, strs in _entries()
        for msgstr in strs
        if bare.search(msgstr)
    ]
    assert not found, f"讲座 without 直播 in front (glossary: 直播讲座): {found[:20]}"
