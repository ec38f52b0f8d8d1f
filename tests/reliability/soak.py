"""Soak: a bounded mixed load against gunicorn and a Celery worker (issue 11).

Learners browse, enrol, buy through the dummy gateway, post answers, vote
and submit quizzes (graded at once) for SOAK_SECONDS (600 by default), over
HTTP against gunicorn (production settings, DEBUG off) on PostgreSQL, with a
Celery worker and a redis-server of its own. Then, once the worker has
drained its queue:

- no answer was a 5xx (nor a dropped connection);
- money reconciles: payments - refunds = earnings + commission + escrow,
  every paid item delivered and booked once;
- points reconcile: every learner's balance equals their ledger;
- web and worker memory (RSS of the whole process trees, measured after a
  warm-up) grew less than 20 %.

`make soak` runs it on a scratch database (DATABASE_URL's name + "_soak",
dropped and created again); tests/reliability/test_soak.py runs a 60-second
version in the test suite (CI). The figures are printed either way.
"""

from __future__ import annotations

import os
import random
import secrets
import string
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

WARM_UP_SHARE = 0.25  # of the run, before memory is first measured ...
WARM_UP_MIN = 30.0  # ... but at least this long (half of a short run)
MAX_RSS_GROWTH = 0.20
#: The server lets the soak's learners post and vote as often as it drives them.
SERVER_ENV = {
    "COMMUNITY_POSTS_PER_MINUTE": "100000",
    "COMMUNITY_POSTS_PER_DAY": "1000000",
    "COMMUNITY_NEW_ACCOUNT_DAYS": "0",
    "REWARDS_NEW_ACCOUNT_DAYS": "0",
}
ACTIONS = (  # (name, weight)
    ("browse", 50),
    ("enrol", 10),
    ("buy", 8),
    ("post", 10),
    ("vote", 12),
    ("grade", 10),
)


@dataclass
class World:
    learners: list[int]
    free_slugs: list[str]
    paid_ids: list[int]
    course_slugs: list[str]
    thread_ids: list[int]
    quiz: tuple[int, int, int]  # lesson, question, correct choice
    cookies: dict[int, dict[str, str]] = field(default_factory=dict)


def seed(*, learners: int = 24) -> World:
    """The soak's world, through the ORM of the calling process."""
    from django.test import Client

    from community import services as community
    from learning.models import Enrollment
    from rewards.models import Event, PointRule
    from tests.community.factories import SpaceFactory, ThreadFactory
    from tests.factories import (
        CourseFactory,
        CreatorFactory,
        LessonFactory,
        SectionFactory,
        UserFactory,
    )
    from tests.learning.factories import ChoiceFactory, QuestionFactory, QuizFactory

    for event, points in (
        (Event.POST_UPVOTED, 2),
        (Event.ANSWER_ACCEPTED, 10),
        (Event.LESSON_COMPLETED, 3),
        (Event.COURSE_COMPLETED, 10),
        (Event.ITEM_SOLD, 5),
        (Event.FIRST_SALE, 20),
        (Event.DAILY_VISIT, 1),
    ):
        PointRule.objects.get_or_create(event=event, defaults={"points": points})
    creators = [CreatorFactory(with_profile=True) for _ in range(3)]
    free = [
        CourseFactory(creator=creators[n % 3], price=Decimal("0.00")) for n in range(12)
    ]
    paid = [
        CourseFactory(creator=creators[n % 3], price=Decimal(f"{9 + n}.90"))
        for n in range(60)
    ]
    quiz_course = free[0]
    lesson = LessonFactory(section=SectionFactory(course=quiz_course))
    quiz = QuizFactory(lesson=lesson, max_attempts=0)
    question = QuestionFactory(quiz=quiz)
    right = ChoiceFactory(question=question, is_correct=True)
    ChoiceFactory(question=question, is_correct=False)
    people = [UserFactory(with_profile=True) for _ in range(learners)]
    for person in people:
        Enrollment.objects.get_or_create(
            user=person, course=quiz_course, defaults={"source": "free"}
        )
    space = SpaceFactory()
    threads = [ThreadFactory(space=space, author=people[n]) for n in range(6)]
    for n, thread in enumerate(threads):
        community.post_create(
            author=people[(n + 1) % learners], thread=thread, body=f"Answer {n}"
        )
    world = World(
        learners=[p.pk for p in people],
        free_slugs=[c.slug for c in free],
        paid_ids=[c.pk for c in paid],
        course_slugs=[c.slug for c in free + paid[:10]],
        thread_ids=[t.pk for t in threads],
        quiz=(lesson.pk, question.pk, right.pk),
    )
    for person in people:
        client = Client()
        client.force_login(person)
        token = "".join(
            secrets.choice(string.ascii_letters + string.digits) for _ in range(32)
        )
        world.cookies[person.pk] = {
            "sessionid": client.cookies["sessionid"].value,
            "csrftoken": token,
        }
    return world


class Load:
    """Threads of learners acting at random until the deadline."""

    def __init__(self, base: str, world: World, *, seed_value: int = 2026):
        self.base = base
        self.world = world
        self.statuses: Counter[int] = Counter()
        self.actions: Counter[str] = Counter()
        self.failures: list[str] = []
        self.bought = 0
        self.lock = threading.Lock()
        self.seed_value = seed_value

    def _session(self, user_id: int):
        import requests

        session = requests.Session()
        for name, value in self.world.cookies[user_id].items():
            session.cookies.set(name, value, domain="127.0.0.1", path="/")
        session.headers.update(
            {
                "X-CSRFToken": self.world.cookies[user_id]["csrftoken"],
                "Accept-Language": random.choice(["zh-hans", "en"]),  # noqa: S311
            }
        )
        return session

    def _count(self, action: str, response) -> None:
        with self.lock:
            for answer in [*response.history, response]:
                self.statuses[answer.status_code] += 1
                if answer.status_code >= 500:
                    self.failures.append(
                        f"{action}: {answer.status_code} {answer.request.method} "
                        f"{answer.url}"
                    )

    def _get(self, session, action: str, path: str):
        response = session.get(self.base + path, timeout=60)
        self._count(action, response)
        return response

    def _post(self, session, action: str, path: str, data: dict):
        response = session.post(self.base + path, data=data, timeout=60)
        self._count(action, response)
        return response

    def pages(self, rng: random.Random) -> list[str]:
        world = self.world
        return [
            "/",
            "/courses/",
            f"/courses/?q={rng.choice(['python', 'go', '设计'])}",
            f"/courses/{rng.choice(world.course_slugs)}/",
            "/community/",
            f"/community/t/{rng.choice(world.thread_ids)}/",
            "/learn/",
            f"/learn/lesson/{world.quiz[0]}/",
        ]

    def act(self, rng: random.Random, session, action: str) -> None:
        world = self.world
        if action == "browse":
            self._get(session, action, rng.choice(self.pages(rng)))
        elif action == "enrol":
            slug = rng.choice(world.free_slugs)
            self._post(session, action, f"/learn/enroll/{slug}/", {})
        elif action == "buy":
            offer = rng.choice(world.paid_ids)
            order = self._post(session, action, f"/shop/buy/course/{offer}/", {})
            if "/shop/orders/" not in order.url:
                return  # owned already: told so, no order
            number = order.url.rstrip("/").split("/shop/orders/")[1].split("/")[0]
            gateway = self._post(session, action, f"/shop/orders/{number}/pay/", {})
            if "/shop/pay/" not in gateway.url:
                return
            outcome = rng.choice(["success"] * 5 + ["failure"])
            paid = self._post(
                session,
                action,
                gateway.url.replace(self.base, ""),
                {"outcome": outcome},
            )
            if outcome == "success" and paid.status_code == 200:
                with self.lock:
                    self.bought += 1
        elif action == "post":
            thread = rng.choice(world.thread_ids)
            self._post(
                session,
                action,
                f"/community/t/{thread}/reply/",
                {"body": f"Soak answer {uuid.uuid4().hex[:8]}: 多谢分享"},
            )
        elif action == "vote":
            thread = rng.choice(world.thread_ids)
            page = self._get(session, action, f"/community/t/{thread}/")
            ids = _post_ids(page.text)
            if ids:
                self._post(
                    session,
                    action,
                    f"/community/p/{rng.choice(ids)}/vote/",
                    {"value": rng.choice(["1", "1", "-1", "0"])},
                )
        elif action == "grade":
            lesson, question, right = world.quiz
            answer = right if rng.random() < 0.7 else right + 1
            self._post(
                session,
                action,
                f"/learn/lesson/{lesson}/quiz/",
                {f"q{question}": str(answer)},
            )

    def worker(self, index: int, deadline: float) -> None:
        import requests

        rng = random.Random(self.seed_value + index)  # noqa: S311
        names = [name for name, _ in ACTIONS]
        weights = [weight for _, weight in ACTIONS]
        sessions = {}
        while time.monotonic() < deadline:
            user_id = rng.choice(self.world.learners)
            session = sessions.get(user_id) or sessions.setdefault(
                user_id, self._session(user_id)
            )
            action = rng.choices(names, weights)[0]
            try:
                self.act(rng, session, action)
            except requests.RequestException as error:
                with self.lock:
                    self.statuses[0] += 1
                    self.failures.append(f"{action}: {error!r}")
            with self.lock:
                self.actions[action] += 1

    def warm_up(self, rounds: int = 4) -> None:
        """Every action a few times, so that every gunicorn worker has loaded
        every page before memory is first measured (not counted)."""
        rng = random.Random(self.seed_value)  # noqa: S311
        for round_ in range(rounds):
            session = self._session(self.world.learners[round_])
            for path in self.pages(rng):
                self._get(session, "browse", path)
            for name, _weight in ACTIONS:
                self.act(rng, session, name)
        self.statuses.clear()
        self.failures.clear()
        self.bought = 0

    def run(self, seconds: float, threads: int, *, on_warm=None) -> float:
        started = time.monotonic()
        deadline = started + seconds
        pool = [
            threading.Thread(target=self.worker, args=(i, deadline), daemon=True)
            for i in range(threads)
        ]
        for thread in pool:
            thread.start()
        if on_warm is not None:
            time.sleep(warm_up_seconds(seconds))
            on_warm()
        for thread in pool:
            thread.join(timeout=seconds + 120)
        return time.monotonic() - started


def warm_up_seconds(seconds: float) -> float:
    """Per-process caches fill during the first minute: memory is measured
    from a quarter of the run, at least 30 s in (half of a short run)."""
    return max(seconds * WARM_UP_SHARE, min(WARM_UP_MIN, seconds / 2))


def _post_ids(html: str) -> list[int]:
    import re

    return [int(pk) for pk in re.findall(r"/community/p/(\d+)/vote/", html)]


def rss(pid: int) -> int:
    """Resident memory of a process and all its children, in bytes."""
    import psutil

    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in tree:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def drain(broker_client, seconds: float = 120) -> bool:
    """Wait until the worker has done everything queued (broker and outbox)."""
    from core.models import TaskOutbox

    deadline = time.monotonic() + seconds
    quiet = 0
    while time.monotonic() < deadline:
        busy = (
            broker_client.llen("celery")
            + broker_client.hlen("unacked")
            + TaskOutbox.objects.count()
        )
        quiet = quiet + 1 if busy == 0 else 0
        if quiet >= 3:
            return True
        time.sleep(0.5)
    return False


def books() -> dict:
    """Money and points, reconciled (after the worker drained its queue)."""
    from django.db.models import Count, Sum

    from commerce.models import CreatorEarning, Fulfilment, Order, OrderItem
    from commerce.selectors import ledger_totals
    from rewards.models import PointBalance, PointEntry

    money = ledger_totals()
    paid_items = OrderItem.objects.filter(
        order__state__in=[Order.State.PAID, Order.State.PARTIALLY_REFUNDED]
    )
    unfulfilled = paid_items.filter(fulfilment__isnull=True).count()
    doubly_booked = (
        CreatorEarning.objects.filter(kind="sale")
        .values("order_item")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    ledger = dict(
        PointEntry.objects.values("user")
        .annotate(total=Sum("points"))
        .values_list("user", "total")
    )
    balances = dict(PointBalance.objects.values_list("user_id", "points"))
    points_off = {
        user: (balances.get(user, 0), ledger.get(user, 0))
        for user in set(ledger) | set(balances)
        if balances.get(user, 0) != (ledger.get(user) or 0)
    }
    return {
        "money": money,
        "money_balances": money["payments"] - money["refunds"]
        == money["earnings"] + money["commission"] + money["escrow_held"],
        "paid_orders": Order.objects.filter(state=Order.State.PAID).count(),
        "fulfilments": Fulfilment.objects.count(),
        "unfulfilled_paid_items": unfulfilled,
        "doubly_booked_items": doubly_booked,
        "point_entries": PointEntry.objects.count(),
        "points_off": points_off,
    }


@dataclass
class Report:
    seconds: float
    requests: int
    errors: int
    statuses: dict
    actions: dict
    failures: list
    bought: int
    web_rss: tuple[int, int]
    worker_rss: tuple[int, int]
    load: tuple[float, float, float]
    drained: bool
    books: dict

    @staticmethod
    def growth(pair: tuple[int, int]) -> float:
        start, end = pair
        return (end - start) / start if start else float("inf")

    def problems(self) -> list[str]:
        found = []
        if self.errors:
            found.append(f"{self.errors} errors: {self.failures[:5]}")
        if not self.drained:
            found.append("the worker did not drain its queue")
        if not self.books["money_balances"]:
            found.append(f"money does not reconcile: {self.books['money']}")
        if self.books["unfulfilled_paid_items"] or self.books["doubly_booked_items"]:
            found.append("paid items not delivered once")
        if self.books["points_off"]:
            found.append(f"points off: {list(self.books['points_off'].items())[:5]}")
        for name, pair in (("web", self.web_rss), ("worker", self.worker_rss)):
            if self.growth(pair) >= MAX_RSS_GROWTH:
                found.append(f"{name} memory grew {self.growth(pair):.0%}")
        return found

    def text(self) -> str:
        mb = 1024 * 1024
        money = self.books["money"]
        return "\n".join(
            [
                f"soak: {self.seconds:.0f} s, {self.requests} requests, "
                f"{self.errors} errors (5xx or dropped), "
                f"{self.requests / self.seconds:.1f} req/s",
                f"  statuses {dict(sorted(self.statuses.items()))}",
                f"  actions {dict(sorted(self.actions.items()))}, "
                f"purchases paid {self.bought}",
                f"  web RSS {self.web_rss[0] / mb:.0f} -> {self.web_rss[1] / mb:.0f} MB "
                f"({self.growth(self.web_rss):+.1%}), worker RSS "
                f"{self.worker_rss[0] / mb:.0f} -> {self.worker_rss[1] / mb:.0f} MB "
                f"({self.growth(self.worker_rss):+.1%}) (from "
                f"{warm_up_seconds(self.seconds):.0f} s in)",
                f"  money: payments {money['payments']} - refunds {money['refunds']}"
                f" = earnings {money['earnings']} + commission {money['commission']}"
                f" + escrow {money['escrow_held']}: "
                f"{'balances' if self.books['money_balances'] else 'OFF'}; "
                f"paid orders {self.books['paid_orders']}, fulfilments "
                f"{self.books['fulfilments']}",
                f"  points: {self.books['point_entries']} ledger entries, "
                f"{len(self.books['points_off'])} balances off",
                f"  worker queue drained: {self.drained}; machine load "
                f"{self.load[0]:.2f} {self.load[1]:.2f} {self.load[2]:.2f}",
            ]
        )


def soak(
    *, base: str, world: World, web, worker, broker, seconds: float, threads: int = 4
) -> Report:
    load = Load(base, world)
    marks: dict[str, int] = {}

    def warm() -> None:
        marks["web"] = rss(web.pid)
        marks["worker"] = rss(worker.pid)

    load.warm_up()
    elapsed = load.run(seconds, threads, on_warm=warm)
    web_end, worker_end = rss(web.pid), rss(worker.pid)
    drained = drain(broker.client())
    requests_made = sum(load.statuses.values())
    errors = sum(
        n for status, n in load.statuses.items() if status >= 500 or not status
    )
    return Report(
        seconds=elapsed,
        requests=requests_made,
        errors=errors,
        statuses=dict(load.statuses),
        actions=dict(load.actions),
        failures=load.failures,
        bought=load.bought,
        web_rss=(marks.get("web", 0), web_end),
        worker_rss=(marks.get("worker", 0), worker_end),
        load=os.getloadavg(),
        drained=drained,
        books=books(),
    )


def main() -> int:
    """`make soak`: a scratch database next to DATABASE_URL's, the full run."""
    import sys
    import tempfile
    from pathlib import Path
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    from tests.reliability.services import (
        RedisServer,
        celery_worker,
        free_port,
        gunicorn,
        production_env,
        wait_for_http,
    )

    seconds = float(os.environ.get("SOAK_SECONDS", "600"))
    threads = int(os.environ.get("SOAK_THREADS", "4"))
    source = os.environ.get("SOAK_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not source.startswith(("postgres://", "postgresql://")):
        print("make soak needs PostgreSQL: set DATABASE_URL=postgres://...")
        return 2
    parts = urlsplit(source)
    name = parts.path.lstrip("/")
    if not os.environ.get("SOAK_DATABASE_URL"):
        name = f"{name}_soak"
    database = urlunsplit(parts._replace(path=f"/{name}"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    tmp = Path(tempfile.mkdtemp(prefix="kp-soak-"))
    redis = RedisServer()
    redis.start()
    env = production_env(tmp, redis_url=redis.url, database=database, **SERVER_ENV)
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    print(f"soak: migrating {name}, seeding, starting gunicorn and a worker")
    call_command("migrate", verbosity=0)
    world = seed()
    port = free_port()
    web = gunicorn(env, tmp / "gunicorn.log", port=port, workers=2)
    worker = celery_worker(env, tmp / "worker.log", concurrency=1)
    web.start()
    worker.start()
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz/", 120, process=web)
        print(f"soak: {seconds:.0f} s, {threads} threads, logs in {tmp}")
        report = soak(
            base=f"http://127.0.0.1:{port}",
            world=world,
            web=web,
            worker=worker,
            broker=redis,
            seconds=seconds,
            threads=threads,
        )
    finally:
        web.stop()
        worker.stop()
        redis.stop()
    print(report.text())
    problems = report.problems()
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
