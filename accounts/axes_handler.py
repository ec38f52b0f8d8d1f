"""django-axes for the admin login only.

AXES_ONLY_ADMIN_SITE makes axes *allow* site logins, but axes 8 still records
their failures and flags the request as locked out, which would block the site
login (already limited by allauth's ACCOUNT_RATE_LIMITS) with axes' page. This
handler records failures only for requests under the admin site.
"""

from axes.handlers.database import AxesDatabaseHandler


class AdminOnlyDatabaseHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and not self.is_admin_request(request):
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)
