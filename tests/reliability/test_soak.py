"""The soak in the test suite (CI): SOAK_SECONDS (60 by default here) of mixed
load against gunicorn and a Celery worker on PostgreSQL and Redis; no 5xx,
money and points reconcile, memory grows less than 20 % (see soak.py;
`make soak` runs the 10-minute version)."""

from __future__ import annotations

import os

import pytest

from tests.reliability.services import (
    RedisServer,
    celery_worker,
    free_port,
    gunicorn,
    production_env,
    wait_for_http,
)
from tests.reliability.soak import SERVER_ENV, seed, soak

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture
def stack(transactional_db, tmp_path):
    redis = RedisServer()
    redis.start()
    env = production_env(tmp_path, redis_url=redis.url, **SERVER_ENV)
    port = free_port()
    web = gunicorn(env, tmp_path / "gunicorn.log", port=port, workers=2)
    worker = celery_worker(env, tmp_path / "worker.log")
    web.start()
    worker.start()
    try:
        yield env, f"http://127.0.0.1:{port}", web, worker, redis
    finally:
        web.stop()
        worker.stop()
        redis.stop()


def test_soak_no_errors_books_balance_memory_stays(stack, settings, capsys):
    env, base, web, worker, redis = stack
    # Sessions made here must be valid for the server: the same key.
    settings.SECRET_KEY = env["SECRET_KEY"]
    world = seed()
    wait_for_http(f"{base}/healthz/", 120, process=web)
    report = soak(
        base=base,
        world=world,
        web=web,
        worker=worker,
        broker=redis,
        seconds=float(os.environ.get("SOAK_SECONDS", "60")),
    )
    with capsys.disabled():
        print("\n" + report.text())
    assert report.requests > 0
    assert report.actions.get("buy") and report.actions.get("grade")
    assert report.books["paid_orders"] > 0, "no purchase went through"
    assert report.books["point_entries"] > 0, "no points were awarded"
    assert not report.problems(), "\n".join(
        [*report.problems(), web.output()[-2000:], worker.output()[-2000:]]
    )
