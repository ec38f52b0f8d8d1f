"""The platform's own apps, written once.

Everything that lists the project's apps reads them from here: INSTALLED_APPS
(kpplatform/settings.py), the API mounted under /api/v1/ (kpplatform/urls.py),
bandit's paths (scripts/audit.py), the module-size and contract tests
(tests/test_architecture.py, which also checks that `.importlinter` names the
same packages) and the empty-POST suite (tests/security/test_empty_post.py).

Plain tuples, no imports: settings and scripts read this module before Django
is set up.
"""

#: The domain apps, bottom-up as in .importlinter's layers: each has models,
#: pages under its own URL prefix and an API (`<app>.api.urls`).
DOMAIN_APPS = (
    "notifications",
    "accounts",
    "courses",
    "learning",
    "live",
    "commerce",
    "community",
    "rewards",
    "recommendations",
    "analytics",
)

#: Installed apps of the project, in INSTALLED_APPS order (project apps come
#: before third-party ones so that their templates win): the shared core, the
#: domain apps and the demo seed.
PLATFORM_APPS = ("core", *DOMAIN_APPS, "demo")

#: Every Python package of the project's code: the apps and the Django project
#: package itself (import contracts, bandit, module sizes).
CODE_PACKAGES = (*PLATFORM_APPS, "kpplatform")
