from functools import cache

from django.apps import apps
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from health_check.views import HealthCheckView

HOME_BLOCK_APPS = ["recommendations", "courses", "live", "community", "rewards"]


@cache
def home_blocks() -> tuple[str, ...]:
    """The `<app>/home_block.html` templates that exist, in a fixed order."""
    found = []
    for label in HOME_BLOCK_APPS:
        if not apps.is_installed(label):
            continue
        name = f"{label}/home_block.html"
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return tuple(found)


def home(request):
    """The landing page; each app contributes a block (its home_block.html)."""
    return render(request, "home.html", {"home_blocks": home_blocks()})


class HealthView(HealthCheckView):
    """/healthz/: 200 only when the database, the cache and the broker answer."""

    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "kpplatform.health.Broker",
    )
