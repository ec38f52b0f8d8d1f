from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Sends new members through onboarding (interests) before anything else."""

    def get_signup_redirect_url(self, request):
        return reverse("accounts:onboarding")
