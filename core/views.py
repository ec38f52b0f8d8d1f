import logging
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils.translation import check_for_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe
from django.views.i18n import set_language as django_set_language
from health_check.views import HealthCheckView

from core.pagecache import anonymous_page_cache, viewer_page_cache
from core.redirects import safe_next
from core.signals import language_chosen

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


#: What the home page's blocks read (core.pagecache groups); "accounts": the
#: feed leaves suspended and deactivated people's work out.
HOME_GROUPS = (
    "accounts",
    "community:home",
    "courses",
    "learning",
    "live",
    "recommendations",
    "rewards",
)


@viewer_page_cache(groups=HOME_GROUPS)
@anonymous_page_cache(groups=HOME_GROUPS)
@require_safe
def home(request):
    """The landing page; each app contributes a block (its home_block.html).

    Kept whole per signed-in viewer (their feed, their cards) until one of
    the groups or the viewer's own state changes (core.pagecache).
    """
    return render(request, "home.html", {"home_blocks": home_blocks()})


class HealthView(HealthCheckView):
    """/healthz/: 200 only when the database, the cache and the broker answer."""

    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "core.health.Broker",
    )

    async def get(self, request, *args, **kwargs):
        # Load balancers read 503 as "take me out of rotation"; the library
        # answers 500 when a check fails.
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
        return response


@require_POST
def set_language(request):
    """Django's set_language, but an unknown language is said, not ignored."""
    code = request.POST.get("language", "")
    if not check_for_language(code) or code not in dict(settings.LANGUAGES):
        messages.error(
            request,
            _("The language “%(code)s” is not available. Choose one from the list.")
            % {"code": code[:20]},
        )
        return HttpResponseRedirect(safe_next(request, "/", use_referer=True))
    if request.user.is_authenticated:
        # Emails sent later (notifications, decisions) follow this choice.
        language_chosen.send(sender=None, request=request, language=code)
    return django_set_language(request)


@require_GET
def favicon(request):
    """`/favicon.ico`, which browsers ask for on every site: the static icon."""
    return redirect(static("favicon.ico"), permanent=True)


def _database_unavailable(error: BaseException | None) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(error, OperationalError | InterfaceError)


#: The headings of the error templates (translated there): what a bare page
#: says when its template cannot be rendered.
_ERROR_HEADINGS = {
    400: gettext_noop("This request could not be understood"),
    403: gettext_noop("You cannot open this page"),
    404: gettext_noop("This page does not exist"),
    503: gettext_noop("The site is briefly unavailable"),
}


def _error_page(template_name: str, status: int):
    """One of the site's error pages (templates/<status>.html), in the
    visitor's language, rendered without the database or context processors.

    Never raises (it answers 500s): if the template fails (a file missing, a
    static manifest out of date), a bare page with the heading instead.
    """
    from django.http import HttpResponse
    from django.template import loader
    from django.utils.html import escape

    try:
        body = loader.get_template(template_name).render({})
    except Exception:
        logging.getLogger(__name__).exception("error page %s failed", template_name)
        heading = _(_ERROR_HEADINGS.get(status, "Something went wrong on our side"))
        home = _("Back to the home page")
        body = (
            '<!DOCTYPE html><meta name="viewport" content="width=device-width">'
            f'<h1>{escape(heading)}</h1><p><a href="/">{escape(home)}</a></p>'
        )
    return HttpResponse(body, status=status)


def bad_request(request, exception, template_name: str = "400.html"):
    """handler400 (a broken request, a suspicious operation)."""
    return _error_page(template_name, 400)


def permission_denied(request, exception, template_name: str = "403.html"):
    """handler403 (PermissionDenied raised by a view)."""
    return _error_page(template_name, 403)


def page_not_found(request, exception, template_name: str = "404.html"):
    """handler404 (Http404 raised by a view or no URL matched)."""
    return _error_page(template_name, 404)


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: the form's token is missing or stale (the page was
    open for a long time, or the session ended in another tab): say what to
    do, in the visitor's language, instead of Django's English page."""
    return _error_page("403_csrf.html", 403)


def server_error(request, template_name: str = "500.html"):
    """handler500: the site's own error page, in the visitor's language.

    Rendered without the database and without context processors (what
    failed may be the database itself). A database that is down or
    restarting (a connection refused or terminated) answers 503 with
    Retry-After: the request failed at once, the next one will work
    (connections are health-checked before reuse).
    """
    import sys

    if _database_unavailable(sys.exc_info()[1]):
        response = _error_page("503.html", 503)
        response["Retry-After"] = "5"
        return response
    return _error_page(template_name, 500)
