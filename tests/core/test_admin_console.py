"""The admin is the operations console: the platform's name, models grouped by
the work, today's queues with counts and links, every label in Chinese.

Before: the header read "Django 管理", the index was a flat list of ~70 models
in apps named "Axes" and "Celery Results", two sections were both "账号", the
notifications list showed raw kinds ("mention") and the model runs their
stage codes ("score+store").
"""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_celery_results.models import TaskResult

from accounts.models import CreatorApplication
from community.models import Report
from core.admin_site import PlatformAdminSite
from courses.models import Course
from notifications.models import Notification
from recommendations.models import ModelRun
from tests.community.factories import PostFactory
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def _index(client, staff_user, language="zh-hans"):
    client.force_login(staff_user)
    return client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language)


def test_the_admin_is_the_platforms_console(client, staff_user):
    assert isinstance(admin.site, PlatformAdminSite)
    page = _index(client, staff_user).content.decode()
    assert (
        "Django"
        not in re.sub(r"<[^>]+>", " ", page)
        .replace("csrfmiddlewaretoken", "")
        .split("</title>")[0]
    )
    assert "知识平台 · 管理后台" in page
    assert "运营控制台" in page
    english = _index(client, staff_user, "en").content.decode()
    assert "Knowledge Platform · Administration" in english


def test_every_model_is_in_exactly_one_group_and_no_two_groups_share_a_name(
    rf, staff_user
):
    request = rf.get("/admin/")
    request.user = staff_user
    with translation.override("zh-hans"):
        groups = admin.site.get_app_list(request)
        names = [str(group["name"]) for group in groups]
        listed = [
            (group["app_label"], model["model"])
            for group in groups
            for model in group["models"]
        ]
    assert len(names) == len(set(names)), names
    assert "审核" in names and "销售" in names and "用户" in names
    models = [model for model, _ in [(m, None) for _, m in listed]]
    assert sorted(models, key=str) == sorted(admin.site._registry, key=str)
    assert len(models) == len(set(models))
    assert ("moderation", Report) in listed
    assert ("moderation", CreatorApplication) in listed


def test_each_apps_own_page_keeps_its_name_and_app_names_differ(rf, staff_user):
    request = rf.get("/admin/")
    request.user = staff_user
    with translation.override("zh-hans"):
        apps = [
            admin.site.get_app_list(request, label)[0]
            for label in sorted({m._meta.app_label for m in admin.site._registry})
        ]
        names = [str(app["name"]) for app in apps]
    assert len(names) == len(set(names)), names
    untranslated = [name for name in names if not CJK.search(name)]
    assert not untranslated, untranslated


def test_every_registered_model_has_a_chinese_name():
    with translation.override("zh-hans"):
        english = [
            f"{model._meta.label}: {model._meta.verbose_name_plural}"
            for model in admin.site._registry
            if not CJK.search(str(model._meta.verbose_name_plural))
        ]
    assert not english, english


def _make_work():
    n = TaskResult.objects.count()
    CourseFactory(status=Course.Status.IN_REVIEW)
    CreatorApplication.objects.create(
        user=UserFactory(), motivation="teach", expertise="psychology"
    )
    Report.objects.create(
        post=PostFactory(), reporter=UserFactory(), reason=Report.Reason.SPAM
    )
    TaskResult.objects.create(task_id=f"t-{n}", status="FAILURE")


def test_the_index_shows_todays_queues_with_counts_and_links(client, staff_user):
    _make_work()
    page = _index(client, staff_user).content.decode()
    for key, label, url in [
        (
            "courses_in_review",
            "待审核课程",
            reverse("admin:courses_course_changelist") + "?status__exact=in_review",
        ),
        (
            "open_reports",
            "待处理举报",
            reverse("admin:community_report_changelist") + "?status__exact=open",
        ),
        (
            "creator_applications",
            "创作者申请",
            reverse("admin:accounts_creatorapplication_changelist")
            + "?status__exact=pending",
        ),
        (
            "failed_tasks",
            "今日失败任务",
            reverse("admin:django_celery_results_taskresult_changelist")
            + "?status__exact=FAILURE",
        ),
    ]:
        card = re.search(
            rf'<a class="console-card has-work" href="([^"]+)" data-queue="{key}">'
            r'\s*<span class="num">(\d+)</span><span class="label">([^<]+)</span>',
            page,
        )
        assert card, key
        assert card.group(1).replace("&amp;", "&") == url
        assert (card.group(2), card.group(3)) == ("1", label)
    for key in ("refund_requests", "expert_applications"):
        assert f'data-queue="{key}"' in page
    for key in ("signups", "orders_paid", "revenue", "enrolments"):
        assert f'data-headline="{key}"' in page


def test_the_index_runs_the_same_queries_whatever_the_work(client, staff_user):
    client.force_login(staff_user)
    url = reverse("admin:index")
    client.get(url)
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    for _ in range(3):
        _make_work()
    with CaptureQueriesContext(connection) as busy:
        client.get(url)
    assert len(busy) == len(empty), (
        "the console must read each queue with a fixed number of queries"
    )
    # 22: the queues and headline numbers, and Django's app list asking each
    # one-row settings admin (question policy, anti-gaming, redemption rate,
    # feed mix) whether its row exists, once for the sidebar and once for the list.
    assert len(busy) <= 22


def test_notification_kinds_are_labels_not_codes(client, staff_user):
    reader = UserFactory()
    Notification.objects.create(
        recipient=reader, kind="mention", params={"thread": "t"}, in_app=True
    )
    client.force_login(staff_user)
    page = client.get(
        reverse("admin:notifications_notification_changelist"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    row = re.search(r'<td class="field-kind_display">([^<]*)</td>', page)
    assert row, re.findall(r"<td[^>]*>.*?</td>", page)[:10]
    assert row.group(1) == "有人 @ 我"


def test_model_runs_show_algorithm_and_stage_in_words(client, staff_user):
    run = ModelRun.objects.create(
        algorithm="ease", stage="score+store", timings={"fit": 1.0, "swap": 0.1}
    )
    client.force_login(staff_user)
    page = client.get(
        reverse("admin:recommendations_modelrun_changelist"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "打分并保存" in page and "score+store" not in page
    assert "EASE（闭式解物品模型）" in page
    with translation.override("zh-hans"):
        assert run.timings_labelled() == [("训练", 1.0), ("切换到新推荐", 0.1)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_two_models_in_the_sidebar_share_a_name(client, staff_user, language):
    """Before: the sidebar listed "Suspensions" twice (rewards and community)."""
    client.force_login(staff_user)
    page = client.get(
        reverse("admin:community_vote_changelist"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    sidebar = page.split('id="nav-sidebar"')[1].split("</nav>")[0]
    names = re.findall(
        r'<th scope="row"[^>]*>\s*<a href="[^"]+"[^>]*>([^<]+)</a>', sidebar
    )
    assert len(names) > 20, sidebar[:500]
    repeated = sorted({name for name in names if names.count(name) > 1})
    assert not repeated, repeated
    expected = {
        "en": ("Community suspensions", "Points suspensions"),
        "zh-hans": ("社区禁言", "积分暂停"),
    }[language]
    assert set(expected) <= set(names), names
