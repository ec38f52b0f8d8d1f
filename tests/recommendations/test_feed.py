"""The home feed: every recommendable kind with its reason, mixed as staff set."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from community.models import Follow, Space, Suspension, Visibility
from courses.models import Column, ColumnPost
from learning.models import Enrollment, LearningPath, LearningPathCourse
from live.models import LiveLecture
from recommendations import feed as feed_module
from recommendations.feed import FeedItem, Slot, home_feed, interleave
from recommendations.models import DEFAULT_FEED_SLOTS, FeedKind, FeedMix, FeedSlot
from tests.community.factories import SpaceFactory, ThreadFactory
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    CreatorFactory,
    StaffFactory,
    UserFactory,
)
from tests.live.factories import ExpertProfileFactory, LectureFactory, certify
from tests.rowcount import count_rows

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _tomorrow_noon():
    local = timezone.localtime()
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon + timedelta(days=1)


class Shop:
    """One of everything, some of it for this learner, some never to be shown."""

    def __init__(self):
        self.prog = CategoryFactory(slug="programming", name_en="Programming")
        self.biz = CategoryFactory(slug="business", name_en="Business")
        self.teacher = CreatorFactory(with_profile=True)  # the learner took a course
        self.followed = CreatorFactory(with_profile=True)  # the learner follows
        self.stranger = CreatorFactory(with_profile=True)
        self.learner = UserFactory(with_profile=True)
        self.learner.profile.interests.add(self.prog)
        self.taken = CourseFactory(
            creator=self.teacher, category=self.prog, title="Python basics"
        )
        self.next_course = CourseFactory(
            creator=self.teacher, category=self.prog, title="Python testing"
        )
        Enrollment.objects.create(user=self.learner, course=self.taken, source="free")
        Follow.objects.create(
            user=self.learner, target="user", followed_user=self.followed
        )
        # lectures: one by a followed creator tomorrow, one in an interest later,
        # one cancelled (never shown)
        self.lecture_followed = LectureFactory(
            creator=self.followed,
            category=self.biz,
            title="Pricing live",
            starts_at=_tomorrow_noon(),
            ends_at=_tomorrow_noon() + timedelta(minutes=60),
        )
        later = timezone.now() + timedelta(days=10)
        self.lecture_interest = LectureFactory(
            creator=self.stranger,
            category=self.prog,
            title="Async live",
            starts_at=later,
            ends_at=later + timedelta(minutes=60),
        )
        self.lecture_cancelled = LectureFactory(
            creator=self.followed,
            category=self.prog,
            title="Cancelled live",
            status=LiveLecture.Status.CANCELLED,
            cancelled_at=timezone.now(),
        )
        # a column by the creator of the course taken
        self.column = Column.objects.create(
            creator=self.teacher,
            title="Notes from the terminal",
            slug="terminal-notes",
            category=self.prog,
            is_published=True,
        )
        ColumnPost.objects.create(
            column=self.column,
            title="First post",
            is_published=True,
            published_at=timezone.now(),
        )
        # a path that continues the course taken
        self.path = LearningPath.objects.create(
            creator=self.teacher,
            title="Python all the way",
            slug="python-path",
            price=Decimal("99.00"),
            is_published=True,
        )
        for n, course in enumerate([self.taken, self.next_course]):
            LearningPathCourse.objects.create(path=self.path, course=course, position=n)
        # an expert on an interest, taking paid questions
        self.expert = ExpertProfileFactory(
            user=certify(UserFactory(with_profile=True)),
            headline="Python reviewer",
            question_price=Decimal("30.00"),
        )
        self.expert.topics.add(self.prog)
        # threads: one in the course's space, one held, one deleted
        course_space = SpaceFactory(
            kind=Space.Kind.COURSE, course=self.taken, category=None
        )
        self.thread = ThreadFactory(space=course_space, title="Which editor?")
        self.prog_space = prog_space = SpaceFactory(category=self.prog)
        self.held = ThreadFactory(
            space=prog_space, title="Held thread", status=Visibility.HELD
        )
        self.deleted = ThreadFactory(
            space=prog_space, title="Deleted thread", is_deleted=True
        )


@pytest.fixture(autouse=True)
def default_mix(db):
    """The data migration's mix (a transactional test elsewhere may have flushed it)."""
    mix, _ = FeedMix.objects.get_or_create(
        pk=1, defaults={"size": 12, "quality_weight": 0.3}
    )
    for kind, (weight, most, enabled) in DEFAULT_FEED_SLOTS.items():
        FeedSlot.objects.get_or_create(
            mix=mix,
            kind=kind,
            defaults={"weight": weight, "max_items": most, "enabled": enabled},
        )
    return mix


@pytest.fixture
def shop():
    return Shop()


def _feed_html(client, user=None, lang=EN):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("home"), **lang)
    assert response.status_code == 200
    return response.content.decode()


def _kinds(html):
    import re

    return re.findall(r'data-testid="feed-item" data-kind="(\w+)"', html)


def _feed(html):
    """The feed's section alone (other home blocks list lectures too)."""
    if 'data-testid="home-feed"' not in html:
        return ""
    return html.split('data-testid="home-feed"')[1].split("</section>")[0]


def test_signed_in_learner_sees_each_kind_with_its_reason(client, shop):
    html = _feed_html(client, shop.learner)
    assert set(_kinds(html)) == {
        "course",
        "lecture",
        "column",
        "path",
        "expert",
        "thread",
    }
    # each with its reason in words
    assert "Starts tomorrow · From a creator you follow" in html
    assert "Live in Programming, one of your interests" in html
    assert "From the creator of Python basics" in html  # the column
    assert "Continues Python basics, which you took" in html  # the path
    assert "Expert in Programming, one of your interests" in html
    assert "Discussed by learners of Python basics" in html
    assert "Popular in Programming" in html  # the course, cold start
    # drawn by the owning apps' cards
    for testid in (
        "course-card",
        "lecture-card",
        "column-card",
        "path-card",
        "expert-card",
        "thread-card",
    ):
        assert f'data-testid="{testid}"' in html
    # never: a cancelled lecture, a held or deleted thread, a course taken
    html = _feed(html)
    assert "Cancelled live" not in html
    assert "Held thread" not in html
    assert "Deleted thread" not in html
    assert f"recommendations/go/{shop.taken.pk}/" not in html


def test_reasons_in_chinese(client, shop):
    html = _feed_html(client, shop.learner, {"HTTP_ACCEPT_LANGUAGE": "zh-hans"})
    assert "明天开始" in html
    assert "来自你关注的创作者" in html
    assert "为你推荐" in html


def test_a_held_thread_never_shows_not_even_to_its_author(client, shop):
    shop.held.author.profile.interests.add(shop.prog)
    html = _feed_html(client, shop.held.author)
    assert "Held thread" not in html


def test_nothing_from_a_suspended_or_deactivated_creator(client, shop):
    Suspension.objects.create(
        user=shop.followed,
        until=timezone.now() + timedelta(days=3),
        reason="spam",
    )
    shop.teacher.is_active = False
    shop.teacher.save(update_fields=["is_active"])
    html = _feed_html(client, shop.learner)
    html = _feed(html)
    assert "Pricing live" not in html  # the suspended creator's lecture
    assert "Notes from the terminal" not in html  # the deactivated one's column
    assert "Python all the way" not in html
    assert "Python testing" not in html
    assert "Async live" in html  # the others stay


def test_staff_disabling_a_kind_removes_it_at_once(client, shop):
    html = _feed_html(client, shop.learner)
    assert "lecture" in _kinds(html)
    # the signed-in home page is kept per learner: the change must show all the same
    assert _kinds(client.get(reverse("home"), **EN).content.decode()) == _kinds(html)
    slot = FeedSlot.objects.get(kind=FeedKind.LECTURE)
    slot.enabled = False
    slot.save(update_fields=["enabled"])  # as the admin saves it
    html = client.get(reverse("home"), **EN).content.decode()
    assert "lecture" not in _kinds(html)
    assert "Pricing live" not in _feed(html)


def test_staff_change_the_mix_in_the_admin_and_it_shows_at_once(client, shop):
    # the anonymous home page is cached: the change must show all the same
    anonymous = _kinds(client.get(reverse("home"), **EN).content.decode())
    assert "thread" in anonymous
    mix = FeedMix.objects.get()
    slots = {s.kind: s for s in mix.slots.all()}
    admin = StaffFactory()
    client.force_login(admin)
    url = reverse("admin:recommendations_feedmix_change", args=[mix.pk])
    assert client.get(url).status_code == 200
    data = {
        "size": "4",
        "quality_weight": "0.5",
        "slots-TOTAL_FORMS": str(len(slots)),
        "slots-INITIAL_FORMS": str(len(slots)),
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "6",
    }
    for n, slot in enumerate(slots.values()):
        data.update(
            {
                f"slots-{n}-id": str(slot.pk),
                f"slots-{n}-mix": str(mix.pk),
                f"slots-{n}-kind": slot.kind,
                f"slots-{n}-weight": "1",
                f"slots-{n}-max_items": "1",
            }
        )
        if slot.kind != FeedKind.THREAD:
            data[f"slots-{n}-enabled"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    mix.refresh_from_db()
    assert mix.size == 4 and mix.quality_weight == 0.5
    client.logout()
    kinds = _kinds(client.get(reverse("home"), **EN).content.decode())
    assert "thread" not in kinds
    assert len(kinds) == 4
    assert len(set(kinds)) == 4  # one per kind: at most 1 each


def test_admin_refuses_a_bad_mix_without_saving(client, shop):
    mix = FeedMix.objects.get()
    client.force_login(StaffFactory())
    url = reverse("admin:recommendations_feedmix_change", args=[mix.pk])
    response = client.post(
        url,
        {
            "size": "0",
            "quality_weight": "-1",
            "slots-TOTAL_FORMS": "0",
            "slots-INITIAL_FORMS": "0",
            "slots-MIN_NUM_FORMS": "0",
            "slots-MAX_NUM_FORMS": "6",
        },
        **EN,
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    mix.refresh_from_db()
    assert mix.size == 12


def test_anonymous_visitors_get_a_popular_mix(client, shop):
    html = _feed_html(client)
    kinds = set(_kinds(html))
    assert {"course", "lecture", "column", "path", "expert", "thread"} <= kinds
    assert "Popular on the platform" in html
    assert "Cancelled live" not in _feed(html) and "Held thread" not in html
    assert "Not interested" not in html  # nothing personal to dismiss


def test_feed_dismiss_and_undo_keep_the_feed_card(client, shop):
    client.force_login(shop.learner)
    course = shop.next_course
    response = client.post(
        reverse("recommendations:dismiss", args=[course.pk]),
        {"card": "feed", "next": "/"},
        HTTP_HX_REQUEST="true",
        **EN,
    )
    notice = response.content.decode()
    assert "is hidden" in notice and 'name="card" value="feed"' in notice
    card = f"recommendations/go/{course.pk}/"
    assert card not in _feed(client.get("/", **EN).content.decode())
    response = client.post(
        reverse("recommendations:undismiss", args=[course.pk]),
        {"card": "feed", "next": "/"},
        HTTP_HX_REQUEST="true",
        **EN,
    )
    card = response.content.decode()
    assert 'data-testid="feed-item" data-kind="course"' in card
    assert 'data-testid="course-card"' in card
    assert f"recommendations/go/{course.pk}/" in card


def test_interleave_follows_weights_and_caps():
    def items(kind, n):
        return [FeedItem(kind=kind, obj=None, reason="") for _ in range(n)]

    queues = {"a": items("a", 10), "b": items("b", 10), "c": items("c", 10)}
    slots = [Slot("a", True, 2, 10), Slot("b", True, 1, 10), Slot("c", True, 1, 1)]
    out = [i.kind for i in interleave(queues, slots, 9)]
    assert out.count("c") == 1  # its cap
    assert out.count("a") == 5 and out.count("b") == 3
    assert out[:4] == ["a", "b", "c", "a"]  # turns, not blocks
    # disabled or weight 0: never; a kind that runs out leaves room to the others
    slots = [Slot("a", False, 5, 10), Slot("b", True, 0, 10), Slot("c", True, 1, 10)]
    assert [i.kind for i in interleave(queues, slots, 4)] == ["c"] * 4
    assert (
        interleave({"a": items("a", 2)}, [Slot("a", True, 1, 10)], 5)
        and len(interleave({"a": items("a", 2)}, [Slot("a", True, 1, 10)], 5)) == 2
    )


def test_the_mix_falls_back_to_defaults_without_rows(shop):
    FeedMix.objects.all().delete()
    mix = feed_module.feed_mix()
    assert {s.kind for s in mix.slots} == set(FeedKind.values)
    with override("en"):
        feed = home_feed(shop.learner)
    assert {i.kind for i in feed.items} >= {"course", "lecture", "thread"}


def _grow(shop, n):
    for k in range(n):
        creator = CreatorFactory(with_profile=True)
        start = timezone.now() + timedelta(days=3 + k % 5)
        LectureFactory(
            creator=creator,
            category=shop.prog,
            starts_at=start,
            ends_at=start + timedelta(minutes=60),
        )
        course = CourseFactory(creator=creator, category=shop.prog)
        column = Column.objects.create(
            creator=creator,
            title=f"Column {k}",
            slug=f"column-{k}-{creator.pk}",
            category=shop.prog,
            is_published=True,
        )
        ColumnPost.objects.create(
            column=column, title="p", is_published=True, published_at=timezone.now()
        )
        path = LearningPath.objects.create(
            creator=creator,
            title=f"Path {k}",
            slug=f"path-{k}-{creator.pk}",
            price=Decimal("10.00"),
            is_published=True,
        )
        LearningPathCourse.objects.create(path=path, course=course, position=0)
        expert = ExpertProfileFactory(
            user=certify(creator), question_price=Decimal("9.00")
        )
        expert.topics.add(shop.prog)
        ThreadFactory(space=shop.prog_space, title=f"Thread {k}")


def _measure(client, user):
    from core.pagecache import bump

    client.logout()
    if user is not None:
        client.force_login(user)
    client.get(reverse("home"), **EN)  # warm the caches of other apps
    bump("courses", "community", "learning", "live", "recommendations", "rewards")
    with count_rows() as counted:
        response = client.get(reverse("home"), **EN)
    assert response.status_code == 200
    return counted


@pytest.mark.parametrize("signed_in", [True, False])
def test_home_feed_queries_and_rows_do_not_grow(
    client, shop, signed_in, django_assert_max_num_queries
):
    user = shop.learner if signed_in else None
    _grow(shop, 26)  # every list full (popular courses: twice 12 for re-ranking)
    small = _measure(client, user)
    _grow(shop, 40)
    bigger = _measure(client, user)
    assert bigger.rows <= small.rows, (small.queries(20), bigger.queries(20))
    assert bigger.instances <= small.instances, bigger.report()
    assert bigger.rows <= 400, bigger.queries()
    from core.pagecache import bump

    bump("courses", "community", "learning", "live", "recommendations", "rewards")
    # The whole home page with the feed's six kinds: signed in 25 on this data
    # (session, profile, experiment, mix, the learner's courses, interests and
    # follows, one or two per kind, suspensions, the serving rating run once
    # for the feed's and the featured cards, the other home blocks; no
    # category's parent); anonymous 14. A stored list adds its rows' query.
    with django_assert_max_num_queries(25 if signed_in else 14):
        client.get(reverse("home"), **EN)


# --- kept per learner: what changes shows at once -------------------------------------


def _seen(client, shop):
    """The learner's feed (the second time from the shared cache)."""
    return _feed(_feed_html(client, shop.learner))


def _cards(html):
    """Each card's kind, reason and links (the ages in words change by the second)."""
    import re

    return [
        (kind, reason, re.findall(r'href="([^"]+)"', body))
        for kind, reason, body in re.findall(
            r'data-kind="(\w+)">.*?data-testid="feed-reason">(.*?)</span>'
            r'(.*?)(?=data-testid="feed-item"|$)',
            html,
            flags=re.S,
        )
    ]


def test_a_second_visit_reads_the_feed_from_the_cache(
    client, shop, django_assert_max_num_queries
):
    first = _seen(client, shop)
    with count_rows() as counted:
        again = _seen(client, shop)
    assert len(_cards(first)) >= 6 and _cards(again) == _cards(first)
    # no candidate query: the mix, suspensions, deactivated accounts, the
    # course cards' extras and the rest of the page
    assert "community_thread" not in counted.queries(50), counted.queries(50)
    assert "live_livelecture" not in counted.queries(50), counted.queries(50)


def test_a_course_enrolled_in_leaves_the_feed_at_once(client, shop):
    from learning.services import enrollment_create

    card = f"recommendations/go/{shop.next_course.pk}/"
    before = _seen(client, shop)
    assert card in before
    assert "Python all the way" in before  # the path, for its other course
    assert _cards(_seen(client, shop)) == _cards(before)  # kept
    enrollment_create(user=shop.learner, course=shop.next_course, source="free")
    after = _seen(client, shop)
    assert card not in after
    assert "Python all the way" not in after  # every course of it is taken


def test_following_someone_shows_at_once(client, shop):
    from community.services import follow_set

    assert "Live in Programming, one of your interests" in _seen(client, shop)
    follow_set(user=shop.learner, follow=True, followed_user=shop.stranger)
    after = _seen(client, shop)
    assert "Live in Programming, one of your interests" not in after
    assert after.count("From a creator you follow") == 2  # both lectures now


def test_not_interested_hides_the_course_at_once_and_undo_brings_it_back(client, shop):
    card = f"recommendations/go/{shop.next_course.pk}/"
    assert card in _seen(client, shop)
    url = reverse("recommendations:dismiss", args=[shop.next_course.pk])
    client.post(url, {"card": "feed", "next": "/"}, **EN)
    assert card not in _seen(client, shop)
    url = reverse("recommendations:undismiss", args=[shop.next_course.pk])
    client.post(url, {"card": "feed", "next": "/"}, **EN)
    assert card in _seen(client, shop)


def test_a_new_interest_shows_at_once(client, shop):
    from accounts.services import profile_set_interests

    assert "Pricing live" in _seen(client, shop)  # followed creator, in business
    expert = ExpertProfileFactory(
        user=certify(UserFactory(with_profile=True)),
        headline="Pricing reviewer",
        question_price=Decimal("30.00"),
    )
    expert.topics.add(shop.biz)
    before = _seen(client, shop)
    assert "Pricing reviewer" in before  # not (yet) for an interest
    assert "Expert in Business" not in before
    profile_set_interests(user=shop.learner, categories=[shop.biz])
    after = _seen(client, shop)
    assert "Expert in Business, one of your interests" in after


def test_a_hidden_thread_and_a_deactivated_creator_leave_kept_feeds_at_once(
    client, shop
):
    before = _seen(client, shop)
    assert "Which editor?" in before and "Notes from the terminal" in before
    shop.thread.status = Visibility.HIDDEN
    shop.thread.save(update_fields=["status"])
    # deactivated with an UPDATE: no signal, the feed still drops them
    type(shop.teacher).objects.filter(pk=shop.teacher.pk).update(is_active=False)
    after = _seen(client, shop)
    assert "Which editor?" not in after
    assert "Notes from the terminal" not in after


def test_a_path_whose_courses_the_learner_all_has_is_not_suggested(client, shop):
    Enrollment.objects.create(user=shop.learner, course=shop.next_course, source="free")
    assert "Python all the way" not in _feed(_feed_html(client, shop.learner))


# --- course quality as a signal -------------------------------------------------------


def _stored_list(user, rows):
    """An active run whose stored list for `user` is `rows` [(course, score)]."""
    from recommendations.models import ActiveRun, ModelRun, Reason, Recommendation

    run = ModelRun.objects.create(algorithm="ease", status="succeeded")
    ActiveRun.objects.update_or_create(algorithm="ease", defaults={"run": run})
    for rank, (course, score) in enumerate(rows, start=1):
        Recommendation.objects.create(
            run=run,
            user=user,
            course=course,
            rank=rank,
            score=score,
            reason=Reason.POPULAR,
        )


def _quality(course, score):
    from rewards.models import CourseQuality

    CourseQuality.objects.update_or_create(
        course=course, defaults={"score": Decimal(score)}
    )


@pytest.fixture
def ranked():
    learner = UserFactory(with_profile=True)
    low = CourseFactory(title="Low quality")
    high = CourseFactory(title="High quality")
    far = CourseFactory(title="Far ahead")
    _quality(low, "1.0")
    _quality(high, "4.8")
    return learner, low, high, far


def test_quality_weight_lifts_the_better_course_of_equal_score(ranked):
    from recommendations.selectors import recommendations_for

    learner, low, high, _ = ranked
    _stored_list(learner, [(low, 0.5), (high, 0.5)])

    def order(weight):
        return [s.course for s in recommendations_for(learner, limit=2, quality=weight)]

    assert order(0) == [low, high]  # the stored order
    assert order(0.3) == [high, low]
    assert order(2) == [high, low]


def test_quality_weight_zero_changes_nothing(ranked):
    from recommendations.selectors import recommendations_for

    learner, low, high, far = ranked
    extra = [CourseFactory() for _ in range(4)]
    for n, course in enumerate(extra):
        _quality(course, str(5 - n))
    rows = [(far, 0.9), (low, 0.5), (high, 0.5), *[(c, 0.4) for c in extra]]
    _stored_list(learner, rows)
    stored = [course for course, _ in rows]
    for limit in (2, 4, 7):
        got = [s.course for s in recommendations_for(learner, limit=limit, quality=0)]
        assert got == stored[:limit]
    # a small weight tips equal scores, not a clear lead
    got = [s.course for s in recommendations_for(learner, limit=3, quality=0.3)]
    assert got[:2] == [far, high]


def test_the_admin_quality_weight_orders_the_home_feed(client, ranked):
    learner, low, high, _ = ranked
    _stored_list(learner, [(low, 0.5), (high, 0.5)])
    client.force_login(learner)

    def feed():
        html = _feed(client.get(reverse("home"), **EN).content.decode())
        return html.index("High quality") < html.index("Low quality")

    def set_weight(weight):
        mix = FeedMix.objects.get()
        mix.quality_weight = weight
        mix.save(update_fields=["quality_weight"])  # as the admin saves it

    set_weight(0)
    assert not feed()
    set_weight(1.0)
    assert feed()  # shows at once (the page kept per learner too), no retrain


def test_an_item_under_an_interest_is_popular_in_the_interest(
    django_assert_num_queries,
):
    """A lecture, column, path course or expert topic in a subcategory of an
    interest names the interest, from what the feed already read (no query
    for the subcategory's parent)."""
    from courses.models import Category
    from recommendations.feed import Learner, _interest_name

    programming = CategoryFactory(slug="programming", name_en="Programming")
    python = CategoryFactory(slug="python", name_en="Python", parent=programming)
    art = CategoryFactory(slug="art", name_en="Art")
    learner = Learner(
        user=None,
        personal=True,
        category_ids=[programming.pk, python.pk],
        categories={programming.pk: programming},
    )
    python = Category.objects.get(pk=python.pk)  # its parent not loaded
    art = Category.objects.get(pk=art.pk)
    with django_assert_num_queries(0), override("en"):
        assert _interest_name(learner, python) == "Programming"
        assert _interest_name(learner, programming) == "Programming"
        assert _interest_name(learner, art) is None
        assert _interest_name(learner, None) is None
