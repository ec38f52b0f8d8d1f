"""A lecture that has ended or was cancelled says so in its sidebar, not how
many seats are left, and offers no ticket.

Before: the sidebar of an ended or cancelled lecture still read "30 seats
left · 30 in all" (剩余 30 座), as if tickets were on sale.
"""

import pytest
from django.urls import reverse

from live.models import LiveLecture
from tests.factories import UserFactory

from .factories import LectureFactory, in_minutes

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
TICKET_BUTTONS = ('data-testid="buy-ticket"', 'data-testid="claim-ticket"')


def _ended():
    return LectureFactory(starts_at=in_minutes(-120))


def _cancelled():
    return LectureFactory(
        status=LiveLecture.Status.CANCELLED, cancel_reason="The speaker is ill."
    )


@pytest.mark.parametrize(
    "make, en_state, zh_state",
    [
        (_ended, "This lecture has ended.", "这场直播讲座已结束。"),
        (_cancelled, "This lecture was cancelled.", "这场直播讲座已取消。"),
    ],
    ids=["ended", "cancelled"],
)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "learner"])
def test_an_ended_or_cancelled_lecture_shows_its_state_instead_of_seats(
    client, make, en_state, zh_state, signed_in
):
    lecture = make()
    if signed_in:
        client.force_login(UserFactory())
    url = reverse("live:lecture", args=[lecture.pk])
    english = client.get(url, **EN).content.decode()
    chinese = client.get(url, **ZH).content.decode()
    assert en_state in english
    assert zh_state in chinese
    assert "seats left" not in english and "in all" not in english
    assert "剩余" not in chinese
    for page in (english, chinese):
        assert 'data-testid="lecture-seats"' not in page
        assert not any(button in page for button in TICKET_BUTTONS)
    assert "Log in to buy" not in english and "Log in to get" not in english


def test_an_upcoming_lecture_still_counts_its_seats(client):
    lecture = LectureFactory()
    url = reverse("live:lecture", args=[lecture.pk])
    english = client.get(url, **EN).content.decode()
    assert "30 seats left" in english and "30 in all" in english
    assert "Log in to buy a ticket" in english
    assert "剩余 30 座" in client.get(url, **ZH).content.decode()
