from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from core.emails import PlatformSite, email_subject

from .models import Profile


def _needs_onboarding(user) -> bool:
    return Profile.objects.filter(user=user, onboarded_at__isnull=True).exists()


class AccountAdapter(DefaultAccountAdapter):
    """Sends new members through onboarding (interests) before anything else.

    Its emails name the platform from the settings (PLATFORM_NAME, SITE_URL),
    never the sites framework's "example.com".
    """

    def get_signup_redirect_url(self, request):
        return reverse("accounts:onboarding")

    def get_login_redirect_url(self, request):
        # Until interests are chosen (or the step skipped), logging in, and
        # confirming the email with the auto-login, lead to onboarding.
        if _needs_onboarding(request.user):
            return reverse("accounts:onboarding")
        return super().get_login_redirect_url(request)

    def format_email_subject(self, subject: str) -> str:
        return email_subject(subject)

    def render_mail(self, template_prefix, email, context, headers=None):
        context = {**context, "current_site": PlatformSite()}
        return super().render_mail(template_prefix, email, context, headers=headers)
