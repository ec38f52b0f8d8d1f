"""Root URLs: each app mounts its own urls.py; the API lives under /api/v1/."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views
from kpplatform.apps_list import DOMAIN_APPS

# Every domain app has an API (kpplatform/apps_list.py).
API_APPS = DOMAIN_APPS

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file (no inline script for the CSP).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
    *[path("", include(f"{app}.api.urls")) for app in API_APPS],
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.HealthView.as_view(), name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("courses/", include("courses.urls")),
    path("learn/", include("learning.urls")),
    path("live/", include("live.urls")),
    path("shop/", include("commerce.urls")),
    path("community/", include("community.urls")),
    path("notifications/", include("notifications.urls")),
    path("rewards/", include("rewards.urls")),
    path("recommendations/", include("recommendations.urls")),
    path("analytics/", include("analytics.urls")),
    path("api/v1/", include((api_v1, "api"))),
]

# The site's own error page, in the visitor's language (503 while the
# database is unavailable): core/views.py.
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
