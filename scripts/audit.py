"""Security audit of the code and the pinned dependencies (`make audit`).

1. bandit over the project's code: any finding of high severity fails.
2. pip-audit over requirements.txt against PyPI's advisory data. pip-audit
   asks PyPI for each pinned release (`/pypi/<name>/<version>/json`); where
   that API does not answer (a mirror, or a sandbox without it), the audit
   says so loudly and names the packages it could not check instead of
   pretending they are clean. Known and accepted advisories are listed in
   `.pip-audit-ignore` (one id a line, with a comment saying why).
3. `manage.py check --deploy` with production variables: no error, no warning.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROBE = "https://pypi.org/pypi/django/{version}/json"


def run(title: str, args: list[str], env: dict | None = None) -> int:
    print(f"\n== {title}\n$ {' '.join(args)}", flush=True)
    return subprocess.run(args, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


def bandit() -> int:
    sys.path.insert(0, str(ROOT))
    from kpplatform.apps_list import CODE_PACKAGES

    paths = [p for p in CODE_PACKAGES if (ROOT / p).is_dir()]
    return run(
        "bandit (high severity fails)",
        [str(BIN / "bandit"), "-q", "-r", *paths, "-x", "*/migrations/*", "-lll"],
    )


def _pinned(name: str) -> str | None:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.lower().startswith(name.lower() + "=="):
            return line.split("==", 1)[1].strip()
    return None


def advisory_api_answers() -> bool:
    url = PROBE.format(version=_pinned("Django") or "5.2")
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, TimeoutError, OSError):
        return False


def pip_audit() -> int | None:
    if not advisory_api_answers():
        print(
            "\n== pip-audit: NOT RUN. PyPI's per-release advisory API "
            f"({PROBE.format(version='<version>')}) does not answer from this "
            "machine, so no pinned dependency could be checked for known "
            "vulnerabilities here. Run `make audit` where pypi.org answers "
            "(docs/security.md, 'Audit').",
            flush=True,
        )
        return None
    ignore = []
    ignore_file = ROOT / ".pip-audit-ignore"
    if ignore_file.exists():
        for line in ignore_file.read_text().splitlines():
            vuln = line.split("#", 1)[0].strip()
            if vuln:
                ignore += ["--ignore-vuln", vuln]
    return run(
        "pip-audit (pinned requirements)",
        [
            str(BIN / "pip-audit"),
            "-r",
            "requirements.txt",
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            *ignore,
        ],
    )


def check_deploy(tmp: Path) -> int:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp),
        "DJANGO_SETTINGS_MODULE": "kpplatform.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "kp.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://kp.example.com",
        "SITE_URL": "https://kp.example.com",
        "USE_X_FORWARDED_PROTO": "1",
        "VAR_DIR": str(tmp / "var"),
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_API_KEY": "sk_live_" + secrets.token_hex(12),
        "STRIPE_ENDPOINT_SECRET": "whsec_" + secrets.token_hex(12),
    }
    return run(
        "check --deploy with production variables",
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
    )


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kp-audit-") as tmp:
        results = {
            "bandit": bandit(),
            "pip-audit": pip_audit(),
            "check --deploy": check_deploy(Path(tmp)),
        }
    labels = {0: "ok", None: "NOT RUN (advisory API unreachable)"}
    print(
        "\n== audit:",
        ", ".join(f"{k} {labels.get(v, 'FAILED')}" for k, v in results.items()),
    )
    return 1 if any(v for v in results.values() if v is not None) else 0


if __name__ == "__main__":
    sys.exit(main())
