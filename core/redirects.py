"""The one check for every `next` (and Referer) a view redirects to.

A redirect target typed by a user or sent by the browser is followed only when
it stays on this site (same host, and https when the request is https);
otherwise the view's own fallback is used. Open redirects let a phishing mail
carry our domain: `?next=https://evil.example/` must never leave the site.
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_redirect(request: HttpRequest, target: str | None) -> bool:
    """Whether `target` is a URL on this site that a redirect may follow."""
    if not target or not isinstance(target, str):
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, fallback: str, *, use_referer: bool = False) -> str:
    """The request's `next` (POST, then GET; then the Referer if asked) or `fallback`.

    The first candidate present decides: an unsafe `next` gives the fallback,
    not the Referer.
    """
    candidates = [request.POST.get("next"), request.GET.get("next")]
    if use_referer:
        candidates.append(request.META.get("HTTP_REFERER"))
    for target in candidates:
        if target:
            return target if is_safe_redirect(request, target) else fallback
    return fallback
