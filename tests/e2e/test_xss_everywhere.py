"""The XSS corpus through every user-text field, rendered in Chromium (issue 11
item 8): public pages, the studio, My learning, the admin and the emails.

One small platform (tests/security/world.py) is seeded; every field of
`FIELDS` then holds payloads (as many of the round's batch as fit in the
column) and every page of `PAGES` is opened once per round as the user who
sees it. A new field or page is one line in those tables.

A payload that got through would show in one of four ways, each checked on
every page:

- a dialog (alert, confirm, prompt): a `dialog` handler records it;
- a call of `kpxss()`, the window marker every payload calls instead of
  `alert(1)` (defined by an init script, so it runs whatever the CSP says);
- a Content-Security-Policy violation (the site itself has none,
  tests/e2e/test_csp.py): the policy blocked something that was injected;
- live markup: every tag of a payload carries a `kpx` attribute, so an element with
  that attribute is markup a payload created (the Markdown sanitiser strips
  unknown attributes from what it lets through), and no element has an
  event-handler attribute, a `javascript:`-like URL or a `srcdoc`.

Each field's value starts with its own token; the fields whose token shows on
a page (text or form value) are counted for that page, and every field must
show somewhere. The figures (payloads × fields × pages) are printed.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from core.markdown import COMMUNITY_POST, COURSE_TEXT, LESSON_ARTICLE, render_markdown
from tests.e2e.conftest import logged_in_context
from tests.security.world import build_world
from tests.xss import XSS_PAYLOADS

pytestmark = pytest.mark.django_db(transaction=True)


def _marked(payload: str, number: int) -> str:
    """The payload calling the window marker, each of its tags marked."""
    payload = payload.replace("alert(1)", f"kpxss({number})")
    return re.sub(r"<([a-zA-Z][a-zA-Z0-9]*)(?=[\s/>])", r"<\1 kpx", payload)


PAYLOADS = [_marked(p, i) for i, p in enumerate(XSS_PAYLOADS)]
BATCH_CHARS = 190  # a title holds 200 characters: the token and a batch


def _batches() -> list[list[str]]:
    batches: list[list[str]] = [[]]
    for payload in sorted(PAYLOADS, key=len):
        if sum(len(p) + 1 for p in batches[-1]) + len(payload) > BATCH_CHARS:
            batches.append([])
        batches[-1].append(payload)
    return batches


BATCHES = _batches()
# Every batch by default (the whole corpus through every field); fewer for a
# quick local run: XSS_ROUNDS=2.
ROUNDS = min(len(BATCHES), int(os.environ.get("XSS_ROUNDS", len(BATCHES))))


# --- the fields ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Field:
    label: str
    obj: Callable  # world -> the object holding the field
    attr: str
    html: tuple[str, object] | None = None  # (rendered field, Markdown profile)


def _profile(world, role):
    return world.users[role].profile


FIELDS = [
    Field("profile.display_name (creator)", lambda w: _profile(w, "owner"), "display_name"),
    Field("profile.display_name (learner)", lambda w: _profile(w, "enrolled"), "display_name"),
    Field("profile.bio", lambda w: _profile(w, "owner"), "bio"),
    Field("creator application.motivation", lambda w: w.extra["application"], "motivation"),
    Field("creator application.expertise", lambda w: w.extra["application"], "expertise"),
    Field("course.title", lambda w: w.course, "title"),
    Field("course.subtitle", lambda w: w.course, "subtitle"),
    Field("course.description", lambda w: w.course, "description", ("description_html", COURSE_TEXT)),
    Field("section.title", lambda w: w.section, "title"),
    Field("lesson.title", lambda w: w.article, "title"),
    Field("lesson.body", lambda w: w.article, "body", ("body_html", LESSON_ARTICLE)),
    Field("attachment.title", lambda w: w.attachment, "title"),
    Field("quiz question.prompt", lambda w: w.question, "prompt"),
    Field("review.text", lambda w: w.review, "text"),
    Field("review.reply", lambda w: w.review, "reply"),
    Field("submission.text", lambda w: w.submission, "text"),
    Field("column.title", lambda w: w.column, "title"),
    Field("column.summary", lambda w: w.column, "summary"),
    Field("column.description", lambda w: w.column, "description", ("description_html", LESSON_ARTICLE)),
    Field("column post.title", lambda w: w.free_post, "title"),
    Field("column post.body", lambda w: w.free_post, "body", ("body_html", LESSON_ARTICLE)),
    Field("learning path.title", lambda w: w.path, "title"),
    Field("learning path.description", lambda w: w.path, "description"),
    Field("plan.name", lambda w: w.plan, "name"),
    Field("plan.description", lambda w: w.plan, "description"),
    Field("coupon.code", lambda w: w.extra["coupon"], "code"),
    Field("thread.title", lambda w: w.thread, "title"),
    Field("post (answer).body", lambda w: w.post, "body", ("body_html", COMMUNITY_POST)),
    Field("live lecture.title", lambda w: w.extra["lecture"], "title"),
    Field("live lecture.description", lambda w: w.extra["lecture"], "description", ("description_html", COURSE_TEXT)),
    Field("expert.headline", lambda w: w.extra["expert"], "headline"),
    Field("expert.about", lambda w: w.extra["expert"], "about", ("about_html", COURSE_TEXT)),
    Field("paid question.body", lambda w: w.extra["question"], "body"),
    Field("paid question.answer", lambda w: w.extra["question"], "answer", ("answer_html", COMMUNITY_POST)),
    Field("challenge.title", lambda w: w.challenge, "title"),
    Field("challenge.description", lambda w: w.challenge, "description"),
    Field("expert application.title", lambda w: w.expert_attachment.application, "title"),
    Field("expert application.credentials", lambda w: w.expert_attachment.application, "credentials"),
]  # fmt: skip


def _token(index: int) -> str:
    return f"kpf{index:02d}q"


def _fill(world, round_number: int) -> dict[str, list[str]]:
    """Write the round's payloads into every field; what each field holds."""
    batch = BATCHES[round_number]
    held: dict[str, list[str]] = {}
    for index, field in enumerate(FIELDS):
        obj = field.obj(world)
        room = obj._meta.get_field(field.attr).max_length or 100_000
        room -= len(_token(index)) + 1
        chosen = []
        for payload in batch:
            if sum(len(p) + 1 for p in chosen) + len(payload) <= room:
                chosen.append(payload)
        value = _token(index) + " " + " ".join(chosen)
        setattr(obj, field.attr, value)
        fields = [field.attr]
        if field.html:
            html_attr, profile = field.html
            setattr(obj, html_attr, render_markdown(value, profile=profile))
            fields.append(html_attr)
        obj.save(update_fields=fields)
        held[field.label] = chosen
    return held


# --- the world ----------------------------------------------------------------


@dataclasses.dataclass
class XssWorld:
    base: object
    extra: dict

    def __getattr__(self, name):
        return getattr(self.base, name)


def _seed() -> XssWorld:
    from accounts.models import CreatorApplication
    from commerce import services as shop
    from live.models import PaidQuestion
    from tests.commerce.factories import CouponFactory, PaidCourseFactory
    from tests.live.factories import ExpertProfileFactory, LectureFactory, certify

    with TestCase.captureOnCommitCallbacks(execute=True):
        world = build_world()
    owner, enrolled = world.users["owner"], world.users["enrolled"]
    world.review.reply = "Thanks"
    world.review.save(update_fields=["reply"])
    application = CreatorApplication.objects.create(
        user=world.users["learner"], motivation="Teach", expertise="Go"
    )
    coupon = CouponFactory(code="KPXCOUPON", kind="percent", value=Decimal("10"))
    second = PaidCourseFactory(creator=owner, price=Decimal("20.00"))
    coupon_order = shop.order_create(
        user=enrolled, offers=[("course", second.pk)], coupon_code="KPXCOUPON"
    )
    lecture = LectureFactory(creator=owner)
    expert = ExpertProfileFactory(user=certify(owner), question_price=Decimal("10.00"))
    question = PaidQuestion.objects.create(
        expert=expert,
        asker=enrolled,
        body="Why?",
        price=Decimal("10.00"),
        status=PaidQuestion.Status.ANSWERED,
        answer="Because.",
        answer_html="<p>Because.</p>",
    )
    return XssWorld(
        base=world,
        extra={
            "application": application,
            "coupon": coupon,
            "coupon_order": coupon_order,
            "lecture": lecture,
            "expert": expert,
            "question": question,
        },
    )


# --- the pages ----------------------------------------------------------------


def _admin(model: str, obj=None) -> Callable:
    app, name = model.split(".")
    if obj is None:
        return lambda w: reverse(f"admin:{app}_{name}_changelist")
    return lambda w: reverse(f"admin:{app}_{name}_change", args=[obj(w).pk])


PAGES: list[tuple[str, Callable]] = [
    # Public pages and My learning, as the learner who bought the course.
    ("enrolled", lambda w: "/"),
    ("enrolled", lambda w: reverse("courses:catalogue")),
    ("enrolled", lambda w: reverse("courses:catalogue") + "?q=kpf"),
    ("enrolled", lambda w: reverse("courses:detail", args=[w.course.slug])),
    ("enrolled", lambda w: reverse("learning:my_learning")),
    ("enrolled", lambda w: reverse("learning:course_home", args=[w.course.slug])),
    ("enrolled", lambda w: reverse("learning:lesson", args=[w.article.pk])),
    ("enrolled", lambda w: reverse("learning:lesson", args=[w.quiz_lesson.pk])),
    ("enrolled", lambda w: reverse("learning:lesson", args=[w.assignment_lesson.pk])),
    ("enrolled", lambda w: reverse("learning:column_list")),
    ("enrolled", lambda w: reverse("learning:column", args=[w.column.slug])),
    ("enrolled", lambda w: reverse("learning:column_post", args=[w.column.slug, w.free_post.pk])),
    ("enrolled", lambda w: reverse("learning:path_list")),
    ("enrolled", lambda w: reverse("learning:path_detail", args=[w.path.slug])),
    ("enrolled", lambda w: reverse("commerce:plans")),
    ("enrolled", lambda w: reverse("commerce:order_detail", args=[w.extra["coupon_order"].number])),
    ("enrolled", lambda w: reverse("commerce:my_orders")),
    ("enrolled", lambda w: reverse("community:index")),
    ("enrolled", lambda w: reverse("community:space", args=[w.space.slug])),
    ("enrolled", lambda w: reverse("community:thread", args=[w.thread.pk])),
    ("enrolled", lambda w: reverse("live:index")),
    ("enrolled", lambda w: reverse("live:lecture", args=[w.extra["lecture"].pk])),
    ("enrolled", lambda w: reverse("live:experts")),
    ("enrolled", lambda w: reverse("live:expert", args=[w.extra["expert"].pk])),
    ("enrolled", lambda w: reverse("live:my_questions")),
    ("enrolled", lambda w: reverse("live:question", args=[w.extra["question"].pk])),
    ("enrolled", lambda w: reverse("rewards:challenges")),
    ("enrolled", lambda w: reverse("rewards:challenge_detail", args=[w.challenge.pk])),
    ("enrolled", lambda w: reverse("accounts:profile", args=[w.users["owner"].pk])),
    ("enrolled", lambda w: reverse("accounts:profile_edit")),
    ("enrolled", lambda w: reverse("notifications:list")),
    # The studio, as the course's creator.
    ("owner", lambda w: reverse("courses:studio")),
    ("owner", lambda w: reverse("courses:studio_course", args=[w.course.pk])),
    ("owner", lambda w: reverse("courses:studio_lesson", args=[w.article.pk])),
    ("owner", lambda w: reverse("learning:studio_quiz", args=[w.quiz_lesson.pk])),
    ("owner", lambda w: reverse("learning:studio_grading")),
    ("owner", lambda w: reverse("learning:studio_columns")),
    ("owner", lambda w: reverse("learning:studio_column_edit", args=[w.column.pk])),
    ("owner", lambda w: reverse("learning:studio_paths")),
    ("owner", lambda w: reverse("learning:studio_path_edit", args=[w.path.pk])),
    ("owner", lambda w: reverse("live:studio")),
    ("owner", lambda w: reverse("live:studio_lecture", args=[w.extra["lecture"].pk])),
    ("owner", lambda w: reverse("live:expert_studio")),
    # The admin, as staff.
    ("staff", _admin("accounts.user")),
    ("staff", _admin("accounts.user", lambda w: w.users["owner"])),
    ("staff", _admin("accounts.creatorapplication")),
    ("staff", _admin("accounts.creatorapplication", lambda w: w.extra["application"])),
    ("staff", _admin("courses.course")),
    ("staff", _admin("courses.course", lambda w: w.course)),
    ("staff", _admin("courses.lesson")),
    ("staff", _admin("courses.lesson", lambda w: w.article)),
    ("staff", _admin("courses.review")),
    ("staff", _admin("courses.review", lambda w: w.review)),
    ("staff", _admin("courses.column")),
    ("staff", _admin("courses.columnpost", lambda w: w.free_post)),
    ("staff", _admin("learning.learningpath", lambda w: w.path)),
    ("staff", _admin("learning.question", lambda w: w.question)),
    ("staff", _admin("learning.submission")),
    ("staff", _admin("commerce.coupon")),
    ("staff", _admin("commerce.order", lambda w: w.extra["coupon_order"])),
    ("staff", _admin("commerce.subscriptionplan", lambda w: w.plan)),
    ("staff", _admin("community.thread")),
    ("staff", _admin("community.post", lambda w: w.post)),
    ("staff", _admin("live.livelecture", lambda w: w.extra["lecture"])),
    ("staff", _admin("live.expertprofile", lambda w: w.extra["expert"])),
    ("staff", _admin("live.paidquestion")),
    ("staff", _admin("live.paidquestion", lambda w: w.extra["question"])),
    ("staff", _admin("rewards.challenge", lambda w: w.challenge)),
    ("staff", _admin("rewards.expertapplication")),
    ("staff", _admin("rewards.expertapplication", lambda w: w.expert_attachment.application)),
]  # fmt: skip


# --- what the browser finds -----------------------------------------------------

INIT_SCRIPT = """
window.__kpxss = [];
window.kpxss = (n) => window.__kpxss.push("kpxss(" + n + ")");
document.addEventListener("securitypolicyviolation", (e) =>
  window.__kpxss.push("CSP blocked " + e.violatedDirective + " " + (e.sample || e.blockedURI)));
"""

# Live markup left by a payload, and the field tokens visible on the page.
SCAN = r"""
(tokens) => {
  const found = [...window.__kpxss];
  const bad = /^(javascript|vbscript|data:text\/html|livescript)/i;
  for (const el of document.querySelectorAll("*")) {
    if (el.hasAttribute("kpx")) found.push("injected <" + el.tagName.toLowerCase() + ">");
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push("handler " + name + " on <" + el.tagName.toLowerCase() + ">");
      if (name === "srcdoc") found.push("srcdoc on <" + el.tagName.toLowerCase() + ">");
      if (["href", "src", "action", "formaction", "data", "background", "poster", "xlink:href"].includes(name)
          && bad.test(attr.value.replace(/[\s\x00-\x1f]+/g, "")))
        found.push(name + "=" + attr.value + " on <" + el.tagName.toLowerCase() + ">");
    }
  }
  const values = [...document.querySelectorAll("input, textarea, select")].map((e) => e.value);
  const text = document.body.innerText + "\n" + values.join("\n") + "\n" + document.title;
  return {found, shown: tokens.filter((t) => text.includes(t))};
}
"""


@dataclasses.dataclass
class Tally:
    checks: int = 0  # payloads × fields × pages
    visits: int = 0
    shown_somewhere: set = dataclasses.field(default_factory=set)
    problems: list = dataclasses.field(default_factory=list)


def _visit(page, path: str, held: dict, tally: Tally, dialogs: list) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, (
        path,
        response and response.status,
    )
    page.wait_for_load_state("load")
    tokens = [_token(i) for i in range(len(FIELDS))]
    result = page.evaluate(SCAN, tokens)
    tally.visits += 1
    for problem in result["found"] + dialogs:
        tally.problems.append(f"{path}: {problem}")
    dialogs.clear()
    for token in result["shown"]:
        label = FIELDS[tokens.index(token)].label
        tally.shown_somewhere.add(label)
        tally.checks += len(held[label])


def _pages_for(browser, live_server, world, role):
    context = logged_in_context(browser, live_server, world.users[role], locale="en-US")
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, page, dialogs


def _reply(world, round_number: int) -> None:
    """Notifications and emails that carry user text: the creator answers the
    learner's thread (in-app notification naming the creator and the thread)
    and publishes a column post (emailed to the member who subscribes)."""
    from community import services
    from courses import services as content

    owner = world.users["owner"]
    services.post_create(
        author=owner, thread=world.thread, body=f"Reply {round_number}"
    )
    content.column_post_save(
        actor=owner,
        column=world.column,
        title=world.free_post.title,
        body=world.free_post.body,
        is_free=True,
        publish=True,
    )


def _dialog_seen(dialogs: list, dialog) -> None:
    dialogs.append(f"dialog {dialog.type}: {dialog.message}")
    dialog.dismiss()


def _check_emails(browser, tally: Tally) -> int:
    """Emails are plain text (inert whatever they hold); an HTML part, if one is
    ever added, is rendered in Chromium and scanned like a page."""
    tokens = [_token(i) for i in range(len(FIELDS))]
    with_user_text = 0
    for message in mail.outbox:
        text = message.subject + message.body
        if not any(token in text for token in tokens):
            continue
        with_user_text += 1
        assert message.content_subtype == "plain", message.content_subtype
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype != "text/html":
                continue
            context = browser.new_context()
            context.add_init_script(INIT_SCRIPT)
            page = context.new_page()
            dialogs: list[str] = []
            page.on("dialog", functools.partial(_dialog_seen, dialogs))
            page.set_content(content)
            result = page.evaluate(SCAN, tokens)
            tally.problems.extend(
                f"email {message.subject}: {p}" for p in result["found"] + dialogs
            )
            context.close()
    return with_user_text


def test_no_payload_runs_or_becomes_markup_anywhere(
    browser, live_server, settings, capsys
):
    settings.COMMUNITY_POSTS_PER_MINUTE = 1000
    settings.COMMUNITY_NEW_ACCOUNT_BURST = 1000
    world = _seed()
    mail.outbox.clear()
    tally = Tally()
    roles = sorted({role for role, _ in PAGES})
    contexts = {role: _pages_for(browser, live_server, world, role) for role in roles}
    try:
        for round_number in range(ROUNDS):
            held = _fill(world, round_number)
            _reply(world, round_number)
            for role, path in PAGES:
                _, page, dialogs = contexts[role]
                _visit(page, path(world), held, tally, dialogs)
        emails = _check_emails(browser, tally)
    finally:
        for context, _, _ in contexts.values():
            context.close()
    assert not tally.problems, "\n".join(tally.problems[:50])
    assert emails >= ROUNDS, f"only {emails} emails carried a field's text"
    never_shown = [f.label for f in FIELDS if f.label not in tally.shown_somewhere]
    assert not never_shown, f"fields shown on none of the pages: {never_shown}"
    with capsys.disabled():
        print(
            f"\nXSS: {len(PAYLOADS)} payloads in {ROUNDS} of {len(BATCHES)} rounds, "
            f"{len(FIELDS)} fields, {len(PAGES)} pages ({tally.visits} visits): "
            f"{tally.checks} payload x field x page checks; {emails} emails "
            "with user text (plain text)"
        )
