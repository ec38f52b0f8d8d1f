"""English strings of third-party apps that ship no Chinese, listed so that
makemessages puts them in the project's catalogue (locale/), which Django reads
before any app's: the admin's login-protection pages read in Chinese too.

Nothing imports this module; it exists for `make messages`.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, npgettext_lazy

AXES = [
    _("Access Attempt"),
    _("Access lock out"),
    _("Attempt Remaining"),
    _("Attempt Time"),
    _("Clean up expired attempts"),
    _("Expires At"),
    _("Failed Logins"),
    _("Form Data"),
    _("GET Data"),
    _("HTTP Accept"),
    _("IP Address"),
    _("Locked Out"),
    _("Logout Time"),
    _("Meta Data"),
    _("Not set"),
    _("POST Data"),
    _("Session key hash (sha256)"),
    _("The time when access attempt expires and is no longer valid."),
    _("User Agent"),
    _("Username"),  # "Path" is left out: learning translates it (a learning path)
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
]

CELERY_RESULTS = [
    _("Celery ID for the Task that was run"),
    _("Celery ID for the Group that was run"),
    _("Completed DateTime"),
    _("Created DateTime"),
    _("Started DateTime"),
    _("Current state of the task being run"),
    _("Group ID"),
    _("Name of the Periodic Task which was run"),
    _("Name of the Task which was run"),
    _("Periodic Task Name"),
    _("Result Content Type"),
    _("Result Data"),
    _("Result Encoding"),
    _("Task ID"),
    _("Task Meta Information"),
    _("Task Name"),
    _("Task Named Arguments"),
    _("Task Positional Arguments"),
    _("Task State"),
    _("Traceback"),
    _("Worker"),
    _("Worker that executes the task"),
    _("group result"),
    _("group results"),
    _("task result"),
    _("task results"),
]


# django-allauth writes "Email" and 电子邮件 in its Chinese, and 您; the platform
# says 邮箱地址 / 邮件 and 你 (docs/glossary.md). These are its strings that name
# an address or a mail, then (ALLAUTH_YOU) those that say 您 (or 登出) on the
# pages, messages and emails of the flows the site uses
# (tests/accounts/test_account_pages_zh.py).
ALLAUTH = [
    _("You cannot remove your primary email address."),
    _("This email address is already associated with this account."),
    _("The email address and/or password you specified are not correct."),
    _("A user is already registered with this email address."),
    _("You cannot add more than %d email addresses."),
    _("The email address is not assigned to any user account."),
    _("Your primary email address must be verified."),
    _("Mark selected email addresses as verified"),
    _("Email"),
    _("Email address"),
    _("Username, email or phone"),
    _("Username or email"),
    _("Email or phone"),
    _("Email (again)"),
    _("Email address confirmation"),
    _("Email (optional)"),
    _("You must type the same email each time."),
    _("email address"),
    _("email addresses"),
    _("email confirmation"),
    _("email confirmations"),
    _("View your email address"),
    _(
        "You cannot add an email address to an account protected by two-factor authentication."
    ),
    _(
        "You cannot activate two-factor authentication until you have verified your email address."
    ),
    _(
        "An account already exists with this email address. Please sign in to that account first, then connect your %s account."
    ),
    _("Your account has no verified email address."),
    _("Email Verification"),
    _("Enter Email Verification Code"),
    _("Use a different email address"),
    _("Email Addresses"),
    _("The following email addresses are associated with your account:"),
    _("Primary"),
    _("Re-send Verification"),
    _("Add Email Address"),
    _("Add Email"),
    _("Do you really want to remove the selected email address?"),
    _(
        "You are receiving this email because you or someone else tried to signup for an\naccount using email address:\n\n%(email)s\n\nHowever, an account using that email address already exists.  In case you have\nforgotten about this, please use the password forgotten procedure to recover\nyour account:\n\n%(password_reset_url)s"
    ),
    _("Your email has been changed from %(from_email)s to %(to_email)s."),
    _("Email Changed"),
    _("Your email has been confirmed."),
    _("Email Confirmation"),
    _(
        "You're receiving this email because user %(user_display)s has given your email address to register an account on %(site_domain)s."
    ),
    _(
        "Your email verification code is listed below. Please enter it in your open browser window."
    ),
    _("Please Confirm Your Email Address"),
    _("Email address %(deleted_email)s has been removed from your account."),
    _("Email Removed"),
    _(
        "You're receiving this email because you or someone else has requested a password reset for your user account.\nIt can be safely ignored if you did not request a password reset. Click the link below to reset your password."
    ),
    _(
        "You are receiving this email because you, or someone else, tried to access an account with email %(email)s. However, we do not have any record of such an account in our database."
    ),
    _("Email Address"),
    _("Current email"),
    _("Your email address is still pending verification."),
    _("Change Email"),
    _("Confirm Email Address"),
    _(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for user %(user_display)s.'
    ),
    _(
        'This email confirmation link expired or is invalid. Please <a href="%(email_url)s">issue a new email confirmation request</a>.'
    ),
    _("You cannot remove your primary email address (%(email)s)."),
    _("You have confirmed %(email)s."),
    _("Removed email address %(email)s."),
    _("Primary email address set."),
    _(
        "Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it."
    ),
    _(
        "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    _(
        "You currently do not have any email address set up. You should really add an email address so you can receive notifications, reset your password, etc."
    ),
    _("Verify Your Email Address"),
    _(
        "This part of the site requires us to verify that\nyou are who you claim to be. For this purpose, we require that you\nverify ownership of your email address. "
    ),
    _(
        "We have sent an email to you for\nverification. Please click on the link inside that email. If you do not see the verification email in your main inbox, check your spam folder. Otherwise\ncontact us if you do not receive it within a few minutes."
    ),
    _(
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email address</a>.'
    ),
]

# Left out, as the site never shows them: allauth's social accounts, MFA and
# identity provider (not installed); sign-in and reset by code, phone numbers
# and usernames (off in the settings); the "your account changed" notification
# emails (ACCOUNT_EMAIL_NOTIFICATIONS is off); "Thank you for using" (accounts
# has its own base_message.txt); the rate-limit and "Use your password" texts
# of the code and MFA pages.
ALLAUTH_YOU = [
    _(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    _("Sign Out"),  # 退出登录 like the site's menu, not allauth's 登出
    _("Are you sure you want to sign out?"),
    _("You have signed out."),
    _("You are already logged in as %(user_display)s."),
    _("Your password is now changed."),
    _("Please type your current password."),
    _("The password reset token was invalid."),
    _("Please reauthenticate to safeguard your account."),
    _("Enter your password:"),
    _("This mail can be safely ignored if you did not initiate this action."),
    _("If it was you, you can sign up for an account using the link below."),
]

# Django's own Chinese says 您 in these, which a person of the site or a staff
# member reads (an image field's error; the admin's saved message, login,
# logout and error pages); the site says 你 (docs/glossary.md).
DJANGO_YOU = [
    _(
        "Upload a valid image. The file you uploaded was either not an image or a "
        "corrupted image."
    ),
    _("You may edit it again below."),
    _("Forgotten your password or username?"),
    _("Thanks for spending some quality time with the web site today."),
    _(
        "There’s been an error. It’s been reported to the site administrators via "
        "email and should be fixed shortly. Thanks for your patience."
    ),
    _(
        "You are authenticated as %(username)s, but are not authorized to access "
        "this page. Would you like to login to a different account?"
    ),
]

# Django's own Chinese that reads wrong on the site's pages: the sign-up form's
# "password too short" error has no Chinese since Django 5.2 changed its msgid
# (it showed in English); the address error says 邮件地址 (docs/glossary.md:
# 邮箱地址); "ago" counts say 1 月 (read as January) and 日 for days
# ("1 月，3 周前"): 个月 and 天, in the site's time-since phrases (naturaltime)
# and in timesince / timeuntil.
DJANGO_WORDING = [
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
    _("Enter a valid email address."),
    _("Already have an account? Then please %(link)ssign in%(end_link)s."),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d month", "%(num)d months", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d day", "%(num)d days", "num"),
    npgettext_lazy("naturaltime-future", "%(num)d month", "%(num)d months", "num"),
    npgettext_lazy("naturaltime-future", "%(num)d day", "%(num)d days", "num"),
]
