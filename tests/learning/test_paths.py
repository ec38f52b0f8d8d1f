"""Learning paths: the pages, the owned-course price, the studio builder, buying."""

from decimal import Decimal

import pytest
from django.urls import reverse

from commerce import services as commerce
from learning import services
from learning.models import Enrollment, LearningPath
from tests.commerce.factories import LearningPathFactory, PaidCourseFactory, make_bundle
from tests.factories import CourseFactory, CreatorFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _path(n=3, price=Decimal("240.00")):
    creator = CreatorFactory()
    courses = [
        PaidCourseFactory(creator=creator, price=Decimal("100.00")) for _ in range(n)
    ]
    return make_bundle(courses, price=price), courses


def test_path_page_shows_courses_in_order_and_both_prices(client):
    path, courses = _path()
    response = client.get(reverse("learning:path_detail", args=[path.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    positions = [body.index(c.title) for c in courses]
    assert positions == sorted(positions)
    assert "240.00" in body and "300.00" in body
    assert 'data-testid="buy-path"' not in body  # anonymous: sign in first


def test_owning_a_course_lowers_the_bundle_price_everywhere(client, settings):
    settings.LEARNING_PATH_CREDIT_OWNED = True
    path, courses = _path()
    buyer = UserFactory()
    services.enrollment_create(user=buyer, course=courses[0], source="purchase")
    client.force_login(buyer)
    response = client.get(reverse("learning:path_detail", args=[path.slug]))
    assert response.context["quote"].price == Decimal("160.00")
    assert 'data-testid="owned-badge"' in response.content.decode()
    # The checkout charges what the page said.
    order = commerce.order_create(user=buyer, offers=[("bundle", path.pk)])
    assert order.total == Decimal("160.00")


def test_without_the_credit_owned_courses_are_only_shown(client, settings):
    settings.LEARNING_PATH_CREDIT_OWNED = False
    path, courses = _path()
    buyer = UserFactory()
    services.enrollment_create(user=buyer, course=courses[0], source="purchase")
    client.force_login(buyer)
    response = client.get(reverse("learning:path_detail", args=[path.slug]))
    assert response.context["quote"].price == Decimal("240.00")
    assert len(response.context["quote"].owned_ids) == 1


def test_unpublished_path_is_hidden_from_learners(client):
    path, _ = _path()
    LearningPath.objects.filter(pk=path.pk).update(is_published=False)
    url = reverse("learning:path_detail", args=[path.slug])
    assert client.get(url).status_code == 404
    client.force_login(path.creator)
    assert client.get(url).status_code == 200


def test_paths_appear_on_the_list_and_on_their_course_pages(client):
    path, courses = _path()
    listing = client.get(reverse("learning:path_list"))
    assert path.title in listing.content.decode()
    page = client.get(courses[1].get_absolute_url())
    assert 'data-testid="course-paths"' in page.content.decode()
    assert path.title in page.content.decode()


def test_path_list_queries_do_not_grow_with_paths(
    client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _path()
    client.get(reverse("learning:path_list"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("learning:path_list"))
    for _ in range(5):
        _path()
    # Six paths cost what one did: paths, their items with courses, page bits.
    with django_assert_max_num_queries(len(one)):
        client.get(reverse("learning:path_list"))


def test_path_page_queries_are_constant(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, small_courses = _path(n=2)
    big, big_courses = _path(n=10)
    buyer = UserFactory()
    for course in (small_courses[0], big_courses[0], big_courses[1]):
        services.enrollment_create(user=buyer, course=course, source="purchase")
    client.force_login(buyer)
    client.get(reverse("learning:path_detail", args=[small.slug]))
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("learning:path_detail", args=[small.slug]))
    # Ten courses cost what two did: path, items with courses, enrolments.
    with django_assert_max_num_queries(len(two)):
        client.get(reverse("learning:path_detail", args=[big.slug]))


def test_buying_a_path_enrols_in_every_course(
    client,
    pay,
    django_capture_on_commit_callbacks,
):
    path, courses = _path()
    buyer = UserFactory()
    client.force_login(buyer)
    response = client.post(reverse("commerce:buy", args=["bundle", path.pk]))
    assert response.status_code == 302
    order = buyer.orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, order)
    mine = set(
        Enrollment.objects.filter(user=buyer, is_active=True).values_list(
            "course_id", flat=True
        )
    )
    assert mine == {c.pk for c in courses}
    page = client.get(reverse("learning:my_learning"))
    for course in courses:
        assert course.title in page.content.decode()


# --- studio -------------------------------------------------------------------------


def _form(courses, **extra):
    data = {"title": "从零到一", "description": "d", "price": "99.00"}
    data["course"] = [str(c.pk) for c in courses]
    for i, c in enumerate(courses, start=1):
        data[f"position_{c.pk}"] = str(len(courses) - i + 1)  # reversed order
    data.update(extra)
    return data


def test_creator_builds_a_path_from_own_courses(client):
    creator = CreatorFactory()
    courses = [CourseFactory(creator=creator) for _ in range(3)]
    client.force_login(creator)
    response = client.post(
        reverse("learning:studio_path_create"), _form(courses, is_published="on")
    )
    assert response.status_code == 302
    path = LearningPath.objects.get()
    assert path.creator == creator and path.is_published
    assert path.slug == "从零到一"
    ordered = list(path.items.order_by("position").values_list("course_id", flat=True))
    assert ordered == [c.pk for c in reversed(courses)]
    assert client.get(reverse("learning:studio_paths")).status_code == 200


def test_creator_cannot_bundle_another_creators_course(client):
    creator = CreatorFactory()
    mine = CourseFactory(creator=creator)
    theirs = CourseFactory()
    client.force_login(creator)
    response = client.post(
        reverse("learning:studio_path_create"), _form([mine, theirs])
    )
    assert response.status_code == 200
    assert "You can only put your own courses in a path." in response.content.decode()
    assert not LearningPath.objects.exists()


def test_staff_builds_cross_creator_paths(client):
    courses = [CourseFactory(), CourseFactory()]
    staff = StaffFactory()
    client.force_login(staff)
    response = client.post(reverse("learning:studio_path_create"), _form(courses))
    assert response.status_code == 302
    assert LearningPath.objects.get().items.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"price": "abc"}, "Enter a price such as 99.00."),
        ({"price": "-1"}, "The price cannot be negative."),
        ({"title": " "}, "Give the path a title."),
    ],
)
def test_bad_input_gets_a_message(client, change, message):
    creator = CreatorFactory()
    courses = [CourseFactory(creator=creator) for _ in range(2)]
    client.force_login(creator)
    response = client.post(
        reverse("learning:studio_path_create"), _form(courses, **change)
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_one_course_is_not_a_path(client):
    creator = CreatorFactory()
    client.force_login(creator)
    response = client.post(
        reverse("learning:studio_path_create"), _form([CourseFactory(creator=creator)])
    )
    assert "A path needs at least two courses." in response.content.decode()


def test_learners_and_other_creators_cannot_edit_a_path(client):
    path = LearningPathFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("learning:studio_paths")).status_code == 403
    client.force_login(CreatorFactory())
    url = reverse("learning:studio_path_edit", args=[path.pk])
    assert client.get(url).status_code == 404


def test_search_finds_paths_by_title_or_course(client):
    path, courses = _path()
    response = client.get(reverse("courses:catalogue"), {"q": courses[2].title})
    body = response.content.decode()
    assert 'data-testid="search-path"' in body and path.title in body
    response = client.get(reverse("courses:catalogue"), {"q": "zzz-nothing"})
    assert 'data-testid="search-path"' not in response.content.decode()
