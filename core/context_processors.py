from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Values every page template needs: the platform's name and languages."""
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "SITE_URL": settings.SITE_URL,
        # Development (`make run`): emails are printed, not sent; pages that
        # say "we sent you an email" say where it is.
        "EMAILS_IN_TERMINAL": settings.DEBUG
        and settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend",
    }
