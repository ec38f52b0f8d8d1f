"""django-axes for the admin login only.

AXES_ONLY_ADMIN_SITE makes axes *allow* site logins, but axes 8 still records
their failures and flags the request as locked out, which would block the site
login (already limited by allauth's ACCOUNT_RATE_LIMITS) with axes' page. This
handler records failures only for requests under the admin site, and lets only
an admin login reset them: a learner signing in on the site from the same
address must not lift the lock on guesses at a staff password.
"""

from axes.handlers.database import AxesDatabaseHandler


def admin_username(request, credentials: dict | None = None) -> str | None:
    """The address typed into the admin login form, normalised.

    Django's admin form posts `username` (and passes it to authenticate() as
    `username`), whatever the user model's USERNAME_FIELD is; axes would read
    `email` and record an empty name, so the per-account lock never fired.
    Case and surrounding spaces are ignored, as they are when signing in.
    """
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("username") or data.get("email")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


class AdminOnlyDatabaseHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and not self.is_admin_request(request):
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_logged_in(sender, request, user, **kwargs)
