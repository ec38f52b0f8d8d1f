"""The project's Celery app with a pause point, for the worker-kill tests.

`celery -A tests.reliability.fault_worker worker` is `celery -A kpplatform
worker` plus one seam: with FAULT_PAUSE_AT set, the pool process wraps one
service function so that the task stops there (writes `<point>.reached` in
FAULT_FLAG_DIR and waits) the first time it passes, and the test kills the
worker at that known point. Production code is not touched; without the
variable this module is exactly the project's app.

Points:
- `capture`: payment reconciliation, after the first order of its batch was
  captured and fulfilled, before the others;
- `swap`: a recommendation run, after all its rows were written, before the
  new run is swapped in.
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from kpplatform.celery import app

__all__ = ["app"]

PAUSE_AT = os.environ.get("FAULT_PAUSE_AT", "")
FLAG_DIR = Path(os.environ.get("FAULT_FLAG_DIR", "."))


def _pause(point: str) -> None:
    reached = FLAG_DIR / f"{point}.reached"
    if reached.exists():
        return  # once: a redelivered task runs through
    reached.touch()
    deadline = time.monotonic() + 120
    while not (FLAG_DIR / f"{point}.release").exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"fault pause {point}: nobody came")
        time.sleep(0.05)


def _after(module, name: str, point: str) -> None:
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        _pause(point)
        return result

    setattr(module, name, wrapper)


def _before(module, name: str, point: str) -> None:
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        _pause(point)
        return original(*args, **kwargs)

    setattr(module, name, wrapper)


@worker_process_init.connect
def _install_pause(**kwargs) -> None:
    if PAUSE_AT == "capture":
        from commerce.services import payments

        _after(payments, "order_capture", PAUSE_AT)
    elif PAUSE_AT == "swap":
        from recommendations.services import training

        _before(training, "model_run_activate", PAUSE_AT)
    elif PAUSE_AT:
        raise RuntimeError(f"unknown FAULT_PAUSE_AT={PAUSE_AT!r}")
