"""A test that makes a Celery app of its own must not leave it as the current
app: the next tests' `task.delay()` would publish to that app's broker (the
clean-clone CI saw browser tests fail on a fault test's stopped Redis)."""

from celery import Celery, current_app

from kpplatform.celery import app as platform_app


def test_a_private_celery_app_made_in_a_test():
    Celery(broker="redis://127.0.0.1:1/0")  # set_as_current=True by default
    assert current_app._get_current_object() is not platform_app


def test_leaves_the_platform_app_current_for_the_next_test():
    assert current_app._get_current_object() is platform_app
    assert current_app.conf.task_always_eager is True
