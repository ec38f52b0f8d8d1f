"""An empty POST to every form of the site (issue 11 item 7, the platform rule:
bad input gets a clear message in the user's language, never a 500, and loses
nothing that was saved before).

The URLs come from the URL resolver (`urls_enum.site_routes`, as the access
matrix), the API and the admin left out. Each one whose view accepts POST is
posted an empty body, as the role that may use it (the access matrix's row and
world: `tests/security/access_matrix.py`, `world.py`), with a valid session and
CSRF token (sent in the `X-CSRFToken` header as htmx does, so that the body
really is empty), in English and in Chinese. Then:

- never a 5xx;
- a form (the default for a URL listed nowhere below) writes nothing at all
  (no row of the platform's apps added, changed or deleted) and shows why: form
  errors rendered in the page, or an error message after the redirect, in the
  language of the request;
- a button-only action (`ACTIONS`: the click is its whole input) redirects
  with a message in that language saying what happened, or, for a purchase,
  to the order to pay;
- a page without a form (`PAGES`) refuses the POST with 405 (Method Not
  Allowed, `require_safe`) and writes nothing; it is posted as a role that
  may open the page;
- a form whose empty body names no object (`NOT_FOUND`) answers the site's
  "not found" page with its message in that language, and writes nothing.

Objects the world lacks (bookings, paid questions, ...) are made by
`world_extras.py`; `OBJECT_KWARGS` says which one each URL is posted with.

A new form view that re-renders a blank form with no message fails here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.crypto import get_random_string
from django.utils.html import escape

from kpplatform.apps_list import DOMAIN_APPS
from tests.security.access_matrix import MATRIX, parse_matrix
from tests.security.urls_enum import site_routes
from tests.security.world import ROLES, build_world

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")
LANGUAGES = ("en", "zh-hans")
# The platform's own apps: nothing of theirs may change on a refused form.
PLATFORM_APPS = DOMAIN_APPS
REFUSED = {"L", "403", "404", "405"}
# Who uses a form when several roles may: the one it is made for first.
ROLE_PREFERENCE = ("enrolled", "owner", "member", "learner", "staff", "other")

# Pages without a form: a POST is refused with 405 and writes nothing.
PAGES = {
    "home",
    "accounts:profile",
    "courses:wishlist",
    "courses:studio",
    "courses:studio_learners",
    "learning:my_learning",
    "learning:course_home",
    "learning:lesson",
    "learning:submission_file",
    "learning:certificate_verify",
    "learning:studio_grading",
    "learning:studio_grading_quality",
    "learning:studio_short_answers",
    "learning:studio_learners",
    "commerce:plans",
    "commerce:my_orders",
    "commerce:order_detail",
    "commerce:order_receipt",
    "commerce:studio_revenue_csv",
    "rewards:badges",
    "rewards:leaderboard",
    "rewards:my_points",
    "rewards:challenges",
    "rewards:challenge_detail",
    "rewards:expert_attachment",
    "live:studio",
    "live:booking",
}

# Button-only actions: an empty body is the whole input. They redirect with a
# message saying what happened (or why not).
ACTIONS = {
    "account_logout",
    "courses:studio_archive",
    "courses:studio_submit",
    "courses:studio_section_delete",
    "courses:studio_section_move",
    "courses:studio_lesson_delete",
    "courses:studio_lesson_move",
    "courses:studio_attachment_delete",
    "courses:wishlist_toggle",
    "learning:lesson_complete",
    "learning:quiz_submit",  # unanswered questions are graded wrong: a score
    "learning:studio_question_delete",
    "learning:studio_grade_accept",
    "commerce:buy",  # no coupon: the order of the offer
    "commerce:order_cancel",
    "commerce:order_pay",
    "commerce:payment",
    "community:bookmark",
    "community:feature",
    "community:post_delete",
    "community:vote",  # the like button
    "community:accept",
    "notifications:read",  # no ids: all of them
    # Every box unchecked: what a browser sends to turn every notice off.
    "notifications:settings",
    "commerce:refund_request",  # the reason is optional
    "rewards:challenge_join",
    "recommendations:dismiss",
    "recommendations:undismiss",
    "analytics:nudge",
    "live:claim",
    "live:ticket_refund",
    "live:studio_lecture_cancel",
    "live:slot_withdraw",
    "live:availability_withdraw",
    "live:studio_replay_remove",
    "live:booking_confirm",
    "live:booking_decline",  # the reason is optional
    "live:booking_cancel",
    "live:question_accept",
    "live:question_publish",
    "live:question_read",  # buy the right to read a public answer
    "account_confirm_email",  # the button of the emailed link
}

# Forms whose empty POST names no object: answered with the site's "not
# found" page, whose message says why in the request's language.
NOT_FOUND = {
    "community:follow": "the follow button posts its target (thread, tag or "
    "person): with none there is nothing to follow",
}

# Reached but not a form of the site's pages; each says why.
OTHER = {
    "set_language": "Django's view: no language, error message (checked below)",
    "account_email": "allauth's page: a POST with no action button redirects back",
    "account_set_password": "allauth: a user with a password is sent to the change form",
    "account_confirm_login_code": "allauth: no login code was requested",
    "account_reset_password_from_key": "allauth: a key that is not valid is "
    "answered with its 'bad token' page, not the form",
    "learning:lesson_video": "a file: POST is answered 403/404",
    "learning:attachment": "a file: POST is answered 403/404",
    "learning:column_audio": "a file: POST is answered 404",
    "commerce:process_payment": "django-payments' signed gateway callback",
    "learning:enroll": "hands the POST on to checkout with a 307 (commerce:buy)",
    "learning:lesson_progress": "the player's JSON beacon (tests/learning)",
    "learning:lesson_opened": "the player's JSON beacon (tests/learning)",
    "analytics:heartbeat": "the study-time JSON beacon (tests/analytics)",
    "commerce:static_process_payment": "the payment gateway's callback",
    "recommendations:click": "a tracked link to the course page",
    "/community/notifications/": "an old address redirecting to notifications",
    "/community/notifications/settings/": "an old address redirecting to settings",
}

# Rows of the matrix whose objects the world lacks (`missing`): the objects
# made for this test (world_extras.py), and the role that uses the form. A URL
# that answers 403/404 to every role needs a line here.
OBJECT_KWARGS = {
    "live:claim": ("learner", {"pk": "free_lecture.pk"}),
    "live:ticket_refund": ("enrolled", {"pk": "ticket.pk"}),
    "live:book": ("learner", {"pk": "slot.pk"}),
    "live:booking": ("enrolled", {"pk": "booking.pk"}),
    "live:booking_confirm": ("other", {"pk": "booking.pk"}),
    "live:booking_decline": ("other", {"pk": "booking.pk"}),
    "live:booking_cancel": ("enrolled", {"pk": "booking.pk"}),
    "live:booking_note": ("enrolled", {"pk": "booking.pk"}),
    "live:booking_rate": ("enrolled", {"pk": "booking.pk"}),
    "live:studio_lecture": ("owner", {"pk": "lecture.pk"}),
    "live:studio_lecture_move": ("owner", {"pk": "lecture.pk"}),
    "live:studio_lecture_cancel": ("owner", {"pk": "lecture.pk"}),
    "live:studio_replay": ("owner", {"pk": "lecture.pk"}),
    "live:studio_replay_remove": ("owner", {"pk": "replayed.pk"}),
    "live:expert_studio": ("other", {}),
    "live:slot_withdraw": ("other", {"pk": "slot.pk"}),
    "live:availability_withdraw": ("other", {"pk": "availability.pk"}),
    "live:expert_ask": ("learner", {"pk": "expert.pk"}),
    "live:question_price": ("other", {}),
    "live:question_answer": ("other", {"pk": "question.pk"}),
    "live:question_accept": ("enrolled", {"pk": "answered.pk"}),
    "live:question_reject": ("enrolled", {"pk": "answered.pk"}),
    "live:question_publish": ("enrolled", {"pk": "accepted.pk"}),
    "live:question_read": ("learner", {"pk": "public.pk"}),
    "learning:studio_short_answer_review": ("owner", {"answer_id": "short_answer.pk"}),
    "account_confirm_email": ("learner", {"key": "confirmation.key"}),
    "community:space_settings": ("owner", {"slug": "course_space.slug"}),
    "community:follow": ("learner", {}),
}


def _snapshot() -> dict[str, list]:
    return {
        model._meta.label: sorted(map(repr, model._default_manager.values_list()))
        for label in PLATFORM_APPS
        for model in apps.get_app_config(label).get_models()
    }


def _changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def _form_errors(context) -> list[str]:
    """Errors of every form, formset and `errors` dict the page was given."""
    texts: list[str] = []
    if context is None:
        return texts
    seen = set()
    contexts = context if isinstance(context, list) else [context]
    layers = [layer for ctx in contexts for layer in ctx.dicts]
    for layer in layers:
        for key, value in layer.items():
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, BaseForm) and value.is_bound:
                texts += [str(e) for errors in value.errors.values() for e in errors]
            elif isinstance(value, BaseFormSet) and value.is_bound:
                texts += [str(e) for e in value.non_form_errors()]
                for form in value.forms:
                    texts += [str(e) for es in form.errors.values() for e in es]
            elif key == "errors" and isinstance(value, dict):
                texts += [str(e) for es in value.values() for e in es]
    return texts


def _in_language(text: str, language: str) -> bool:
    return bool(CJK.search(text)) == (language == "zh-hans")


def _client(world, role: str, language: str) -> tuple[Client, dict]:
    client = Client(
        enforce_csrf_checks=True,
        raise_request_exception=False,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    if world.users[role] is not None:
        client.force_login(world.users[role])
    secret = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return client, {"HTTP_X_CSRFTOKEN": secret}


def _user_for(row) -> str | None:
    usable = [
        role
        for role, want in zip(ROLES, row.expected, strict=True)
        if want not in REFUSED
    ]
    status = dict(zip(ROLES, row.expected, strict=True))
    ranked = sorted(
        usable,
        key=lambda role: (
            status[role] not in ("200", "400"),  # the form itself, not a redirect
            ROLE_PREFERENCE.index(role) if role in ROLE_PREFERENCE else 99,
        ),
    )
    return ranked[0] if ranked else None


def _check(client, headers, name, url, language) -> list[str]:
    """What is wrong with the answer to an empty POST (nothing: [])."""
    before = _snapshot()
    response = client.post(url, **headers)
    changed = _changed(before, _snapshot())
    status = response.status_code
    where = f"{name} ({url}, {language}): {status}"
    if status >= 500:
        return [f"{where}: a server error"]
    if status == 403 and b"CSRF" in response.content:
        return [f"{where}: the CSRF token was refused"]
    flashed = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    if name in PAGES:
        problems = []
        if status != 405:
            problems.append(f"{where}: a page without a form answers POST, not 405")
        if changed:
            problems.append(f"{where}: a page wrote {changed}")
        return problems
    if name in NOT_FOUND:
        message = str((response.context or {}).get("message", ""))
        problems = [f"{where}: an empty form wrote {changed}"] if changed else []
        if status != 404 or not message:
            problems.append(f"{where}: want the not-found page with its message")
        elif not _in_language(message, language):
            problems.append(f"{where}: message not in {language}: {message}")
        return problems
    if name in ACTIONS:
        if status in (301, 302, 303) and _is_order_page(response["Location"]):
            # A purchase hands the buyer on to the order, which says what to pay.
            return []
        if status not in (301, 302, 303) or not flashed:
            return [f"{where}: an action redirects with a message, got {flashed}"]
        wrong = [text for _, text in flashed if not _in_language(text, language)]
        return [f"{where}: message not in {language}: {wrong}"] if wrong else []
    # A form: nothing written, the reason shown in the request's language.
    problems = [f"{where}: an empty form wrote {changed}"] if changed else []
    shown = [t for level, t in flashed if level in ("error", "warning")]
    if status in (301, 302, 303):
        if not shown:
            problems.append(f"{where}: redirected with no error message")
    else:
        page = response.content.decode(errors="replace")
        errors = _form_errors(getattr(response, "context", None)) + shown
        if not errors:
            problems.append(f"{where}: the form came back with no error")
        invisible = [e for e in errors if escape(e) not in page and e not in page]
        if errors and len(invisible) == len(errors):
            problems.append(f"{where}: errors not in the page: {invisible}")
        shown = errors
    wrong = [text for text in shown if not _in_language(text, language)]
    if wrong:
        problems.append(f"{where}: not in {language}: {wrong}")
    return problems


def _is_order_page(location: str) -> bool:
    try:
        return resolve(urlsplit(location).path).view_name == "commerce:order_detail"
    except Resolver404:
        return False


def _post_routes() -> list[tuple[str, object, object]]:
    """(name, POST row, GET row) of every site URL: API and admin left out."""
    rows = parse_matrix(MATRIX)
    found = []
    for name in site_routes():
        if name.startswith(("api:", "admin:")):
            continue
        post = next(r for r in rows if r.name == name and r.method == "POST")
        get = next(r for r in rows if r.name == name and r.method == "GET")
        found.append((name, post, get))
    return found


def test_the_tables_name_urls_that_exist():
    names = {name for name, _post, _get in _post_routes()}
    for table in (PAGES, ACTIONS, OTHER, OBJECT_KWARGS, NOT_FOUND):
        assert set(table) <= names, sorted(set(table) - names)
    kinds = (PAGES, ACTIONS, NOT_FOUND, OTHER)
    assert all(not set(a) & set(b) for a in kinds for b in kinds if a is not b)


@pytest.fixture
def relaxed_limits(settings):
    """Hundreds of requests from one address: the rate limits have their own
    tests."""
    settings.ACCOUNT_RATE_LIMITS = False
    settings.COMMUNITY_POSTS_PER_MINUTE = 100_000


def test_an_empty_post_never_passes_silently(relaxed_limits):
    world = build_world(extras=True)
    extras = world.extras
    problems, checked, not_posted = [], [], []
    for name, post_row, get_row in _post_routes():
        if name in OTHER and name != "set_language":
            continue
        if name in OBJECT_KWARGS:
            role, paths = OBJECT_KWARGS[name]
            kwargs = {
                key: str(getattr(extras[path.split(".")[0]], path.split(".")[1]))
                for key, path in paths.items()
            }
        else:
            # A page refuses every POST: posted as a role that may open it.
            role = _user_for(get_row if name in PAGES else post_row)
            if role is None:
                if set(post_row.expected) - {"L", "405"}:
                    # 403/404 for everyone: the world has no object it may use.
                    problems.append(
                        f"{name}: no role may use it with the world's objects; "
                        "add it to OBJECT_KWARGS (with an object, world_extras.py)"
                    )
                not_posted.append(name)
                continue
            kwargs = post_row.resolve_kwargs(world)
        url = name if name.startswith("/") else reverse(name, kwargs=kwargs)
        for language in LANGUAGES:
            with transaction.atomic():
                client, headers = _client(world, role, language)
                try:
                    problems += _check(client, headers, name, url, language)
                finally:
                    transaction.set_rollback(True)
            checked.append((name, language))
    assert len(checked) > 150, len(checked)
    assert not problems, (
        f"{len(problems)} problems in {len(checked)} empty POSTs:\n"
        + "\n".join(problems)
    )
