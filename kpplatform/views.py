from django.shortcuts import render
from health_check.views import HealthCheckView


def home(request):
    """The landing page; apps add their blocks through template includes."""
    return render(request, "home.html")


class HealthView(HealthCheckView):
    """/healthz/: 200 only when the database, the cache and the broker answer."""

    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "kpplatform.health.Broker",
    )
