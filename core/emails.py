"""The site as every email names it: the platform's name and SITE_URL's host.

Django's sites framework would give "example.com" (the row the first
migration creates); emails take both values from the settings instead, and the
name is translated in the language the email is rendered in.
"""

from urllib.parse import urlsplit

from django.conf import settings


class PlatformSite:
    """Stands in for ``django.contrib.sites`` in email templates (allauth's too)."""

    @property
    def name(self) -> str:
        return str(settings.PLATFORM_NAME)

    @property
    def domain(self) -> str:
        return urlsplit(settings.SITE_URL).netloc or settings.SITE_URL

    @property
    def url(self) -> str:
        return settings.SITE_URL.rstrip("/")

    def __str__(self) -> str:
        return self.domain


def email_subject(subject: str) -> str:
    """A subject with the platform's name in front, in the active language."""
    return f"[{settings.PLATFORM_NAME}] {' '.join(str(subject).split())}"


def email_site_context() -> dict:
    """What the shared email signature needs (core/templates/email/signature.txt)."""
    return {"current_site": PlatformSite()}
