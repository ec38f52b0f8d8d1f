"""Copy the front-end packages installed by npm into static/vendor.

Run through `make vendor`; the copied files are committed so that nothing is
downloaded at run time.
"""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
    "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
    "bootstrap-icons/font/fonts/bootstrap-icons.woff2": "bootstrap-icons/fonts/bootstrap-icons.woff2",
    "bootstrap-icons/font/fonts/bootstrap-icons.woff": "bootstrap-icons/fonts/bootstrap-icons.woff",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
    # Accessibility checks of the browser tests (tests/e2e/test_accessibility.py);
    # never loaded by a page.
    "axe-core/axe.min.js": "axe-core/axe.min.js",
    "axe-core/LICENSE": "axe-core/LICENSE",
}


def main() -> None:
    for source, target in FILES.items():
        destination = DEST / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / source, destination)
        print(f"{source} -> static/vendor/{target}")


if __name__ == "__main__":
    main()
