from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Values every page template needs: the platform's name and languages."""
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "SITE_URL": settings.SITE_URL,
    }
