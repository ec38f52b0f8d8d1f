"""System checks: paid media must never be reachable as a public file."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


@register()
def protected_media_is_private(app_configs=None, **kwargs):
    errors = []
    protected = Path(settings.PROTECTED_MEDIA_ROOT)
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if public and (_inside(protected, Path(public)) or protected == Path(public)):
            errors.append(
                Error(
                    f"PROTECTED_MEDIA_ROOT ({protected}) is inside {name} ({public}): "
                    "paid videos would be downloadable without the access check.",
                    hint="Keep PROTECTED_MEDIA_ROOT outside every public folder.",
                    id="learning.E001",
                )
            )
    base_url = (
        settings.STORAGES.get("protected", {}).get("OPTIONS", {}).get("base_url", "")
    )
    if base_url and settings.MEDIA_URL and base_url.startswith(settings.MEDIA_URL):
        errors.append(
            Error(
                f"The protected storage's base_url ({base_url}) is under MEDIA_URL.",
                id="learning.E002",
            )
        )
    if Path(settings.SENDFILE_ROOT) != protected:
        errors.append(
            Warning(
                "SENDFILE_ROOT differs from PROTECTED_MEDIA_ROOT: protected files "
                "would be refused (404) by django-sendfile2.",
                id="learning.W001",
            )
        )
    return errors
