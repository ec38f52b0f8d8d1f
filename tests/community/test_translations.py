"""Chinese wording of buttons that share an English word with a status."""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation


def test_open_button_is_not_translated_as_the_report_status():
    space = SimpleNamespace(
        is_private=False, thread_count=2, get_absolute_url="/community/s/x/"
    )
    with translation.override("zh-hans"):
        html = render_to_string(
            "community/partials/course_space_link.html",
            {"space": space, "can_enter": True},
        )
        # The report status "Open" stays 待处理 ("pending").
        from community.models import Report

        assert str(Report.Status.OPEN.label) == "待处理"
    assert "进入</a>" in html
    assert "待处理" not in html
