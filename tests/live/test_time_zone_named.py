"""Every lecture and slot time names the zone it is shown in: an anonymous
visitor (site zone, Asia/Shanghai) and a signed-in learner whose browser told
another zone see different clock times for the same lecture, each labelled."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from live.models import Booking
from live.notification_kinds import _when
from tests.factories import StaffFactory, UserFactory

from .factories import LectureFactory, SlotFactory

pytestmark = pytest.mark.django_db

START = datetime(2031, 3, 4, 11, 30, tzinfo=ZoneInfo("UTC"))  # 19:30 in Beijing


@pytest.fixture
def lecture():
    lecture = LectureFactory(title="Zoned lecture")
    lecture.starts_at = START
    lecture.ends_at = START.replace(hour=12, minute=30)
    lecture.save()
    return lecture


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _pages(lecture):
    return [reverse("live:index"), reverse("live:lecture", args=[lecture.pk])]


def test_anonymous_visitor_sees_beijing_time_named(client, lecture, settings):
    for url in _pages(lecture):
        page = client.get(url).content.decode()
        assert "7:30" in page or "19:30" in page
        assert 'data-testid="time-zone">(Beijing time)</span>' in page, url
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("live:lecture", args=[lecture.pk])).content.decode()
    assert "(北京时间)" in page


def test_signed_in_learner_in_another_zone_sees_that_zone_named(client, lecture):
    client.force_login(UserFactory())
    client.cookies["kp_tz"] = "Asia/Kolkata"  # 17:00 there, UTC+5:30 all year
    for url in _pages(lecture):
        page = client.get(url).content.decode()
        assert "5 p.m." in page or "17:00" in page
        assert 'data-testid="time-zone">(UTC+5:30)</span>' in page, url
        assert "(Beijing time)" not in page
    client.cookies["kp_tz"] = "America/New_York"  # summer time: UTC−4 in June
    lecture.starts_at = START.replace(month=6)
    lecture.ends_at = lecture.starts_at.replace(hour=12)
    lecture.save()
    page = client.get(reverse("live:lecture", args=[lecture.pk])).content.decode()
    assert "(UTC\u22124)" in page


def test_notifications_name_the_zone_of_their_times():
    params = {"start": START.isoformat()}
    with translation.override("en"), timezone.override(ZoneInfo("Asia/Shanghai")):
        assert _when(params)["start"].endswith("(Beijing time)")
    with translation.override("zh-hans"), timezone.override(ZoneInfo("UTC")):
        assert _when(params)["start"].endswith("(UTC)")


def test_ticket_holder_is_told_when_the_join_link_opens_with_the_zone(client, lecture):
    from live.models import Ticket

    holder = UserFactory()
    Ticket.objects.create(lecture=lecture, user=holder, status="active", source="free")
    client.force_login(holder)
    page = client.get(reverse("live:lecture", args=[lecture.pk])).content.decode()
    assert "The join link appears here at" in page
    assert "7:15 p.m. (Beijing time)." in page


ZONE_BEIJING = 'data-testid="time-zone">(Beijing time)</span>'
ZONE_KOLKATA = 'data-testid="time-zone">(UTC+5:30)</span>'


def test_creator_studio_names_the_zone_of_each_lecture(client, lecture):
    client.force_login(lecture.creator)
    index = client.get(reverse("live:studio")).content.decode()
    assert "Zoned lecture" in index
    assert ZONE_BEIJING in index
    client.cookies["kp_tz"] = "Asia/Kolkata"
    edit = client.get(reverse("live:studio_lecture", args=[lecture.pk])).content
    assert ZONE_KOLKATA in edit.decode()


def test_expert_studio_names_the_zone_of_slots_and_bookings_to_confirm(client):
    slot = SlotFactory(starts_at=START, ends_at=START.replace(hour=12, minute=30))
    Booking.objects.create(
        slot=SlotFactory(expert=slot.expert, starts_at=START.replace(day=5)),
        learner=UserFactory(),
        status=Booking.Status.REQUESTED,
        confirm_by=START,
    )
    client.force_login(slot.expert.user)
    client.cookies["kp_tz"] = "Asia/Kolkata"
    page = client.get(reverse("live:expert_studio")).content.decode()
    slots = page[page.index('data-testid="expert-slots"') :]
    assert slots.count(ZONE_KOLKATA) == 2  # both slots, the booked one too
    to_confirm = page[page.index('data-testid="to-confirm"') :]
    assert to_confirm.index(ZONE_KOLKATA) < to_confirm.index("</a>")


def test_admin_day_schedule_names_the_zone(client, lecture):
    Booking.objects.create(
        slot=SlotFactory(starts_at=START.replace(hour=13)),
        learner=UserFactory(),
        status=Booking.Status.CONFIRMED,
    )
    client.force_login(StaffFactory())
    url = reverse("admin:live_day_schedule")
    page = client.get(url, {"day": "2031-03-04"}).content.decode()
    labelled = r"{} <span [^>]*>\(Beijing time\)</span>"
    assert re.search(labelled.format("19:30–20:30"), page)  # the lecture
    assert re.search(labelled.format("21:30–22:30"), page)  # the consultation


def test_moved_lecture_says_when_with_the_zone(client, lecture):
    lecture.moved_at = START.replace(month=2)
    lecture.save(update_fields=["moved_at"])
    page = client.get(reverse("live:lecture", args=[lecture.pk])).content.decode()
    assert "The lecture was moved on Feb. 4, 2031, 7:30 p.m. (Beijing time)." in page


# --- paid questions: the deadline the asker waits for and the expert works to ---


def _open_question(pay, capture):
    from live.models import PaidQuestion

    from .test_paid_questions import ask_and_pay

    question, _ = ask_and_pay(pay, capture)
    PaidQuestion.objects.filter(pk=question.pk).update(answer_by=START)
    question.refresh_from_db()
    return question


def test_asker_and_expert_see_the_answer_deadline_with_its_zone(
    client, pay, django_capture_on_commit_callbacks
):
    question = _open_question(pay, django_capture_on_commit_callbacks)
    client.force_login(question.asker)
    page = client.get(question.get_absolute_url()).content.decode()
    deadline = page[page.index('data-testid="answer-by"') :]
    assert deadline.index(ZONE_BEIJING) < deadline.index("</dd>")
    assert (
        "Waiting for the expert's answer until March 4, 2031, 7:30 p.m. (Beijing time)."
        in page
    )
    mine = client.get(reverse("live:my_questions")).content.decode()
    assert "answer by March 4, 2031, 7:30 p.m. (Beijing time)" in mine

    client.force_login(question.expert.user)
    client.cookies["kp_tz"] = "Asia/Kolkata"
    page = client.get(question.get_absolute_url()).content.decode()
    deadline = page[page.index('data-testid="answer-by"') :]
    assert (
        deadline.index("5 p.m.")
        < deadline.index(ZONE_KOLKATA)
        < deadline.index("</dd>")
    )
    to_answer = client.get(reverse("live:my_questions"), {"tab": "answer"})
    assert "answer by March 4, 2031, 5 p.m. (UTC+5:30)" in to_answer.content.decode()


def test_asker_sees_when_an_answer_is_accepted_automatically_with_its_zone(
    client, pay, django_capture_on_commit_callbacks
):
    from live import services
    from live.models import PaidQuestion

    question = _open_question(pay, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(
            question=question, expert_user=question.expert.user, text="Chapter two."
        )
    PaidQuestion.objects.filter(pk=question.pk).update(accept_by=START)
    client.force_login(question.asker)
    page = client.get(question.get_absolute_url()).content.decode()
    accept_by = page[page.index('data-testid="accept-by"') :]
    assert accept_by.index("7:30 p.m.") < accept_by.index(ZONE_BEIJING)
    assert accept_by.index(ZONE_BEIJING) < accept_by.index("</dd>")


def test_the_expert_is_told_the_answer_deadline_with_its_zone(
    client, pay, django_capture_on_commit_callbacks
):
    """The notification and its email: read in the site's zone unless the
    page that shows the bell knows the reader's."""
    from django.core import mail

    from notifications.models import Notification

    question = _open_question(pay, django_capture_on_commit_callbacks)
    expert = question.expert.user
    asked = Notification.objects.get(recipient=expert, kind="live_question_asked")
    assert asked.title.endswith("(Beijing time).")
    (email,) = [m for m in mail.outbox if m.to == [expert.email]]
    assert "北京时间" in email.body or "(Beijing time)" in email.body
    client.force_login(expert)
    client.cookies["kp_tz"] = "Asia/Kolkata"
    inbox = client.get(reverse("notifications:list")).content.decode()
    assert "(UTC+5:30)." in inbox


# --- the admin's change lists ---


def test_admin_change_lists_name_the_zone_of_their_times(client):
    lecture = LectureFactory(title="Zoned lecture")
    LectureFactory._meta.model.objects.filter(pk=lecture.pk).update(
        starts_at=START, ends_at=START.replace(hour=12, minute=30)
    )
    slot = SlotFactory(starts_at=START, ends_at=START.replace(hour=12, minute=30))
    Booking.objects.create(
        slot=slot, learner=UserFactory(), status=Booking.Status.CONFIRMED
    )
    client.force_login(StaffFactory())
    labelled = r"7:30 p\.m\. <span [^>]*>\({}\)</span>"
    for name in ("livelecture", "slot", "booking"):
        page = client.get(reverse(f"admin:live_{name}_changelist")).content.decode()
        assert re.search(labelled.format("Beijing time"), page), name
    client.cookies["kp_tz"] = "Asia/Kolkata"
    for name in ("livelecture", "slot", "booking"):
        page = client.get(reverse(f"admin:live_{name}_changelist")).content.decode()
        assert re.search(r"5 p\.m\. <span [^>]*>\(UTC\+5:30\)</span>", page), name
    # The column still sorts by the time itself.
    page = client.get(reverse("admin:live_slot_changelist")).content.decode()
    assert 'class="sortable column-starts_at_zoned' in page
