"""English strings of third-party apps that ship no Chinese, listed so that
makemessages puts them in the project's catalogue (locale/), which Django reads
before any app's: the admin's login-protection pages read in Chinese too.

Nothing imports this module; it exists for `make messages`.
"""

from django.utils.translation import gettext_lazy as _

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
