"""`make bench`: run every bench/bench_*.py and print their figures.

Each benchmark is a script that prints its own figures (one per line, as
`name: value unit` where it can). They run one after another in separate
processes, with this interpreter and the current environment (set
DATABASE_URL to PostgreSQL for figures worth comparing). The exit status is
non-zero when any benchmark fails, and when there is none to run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    scripts = sorted(
        path
        for path in BENCH_DIR.glob("bench_*.py")
        if not wanted or path.stem in wanted or path.name in wanted
    )
    if not scripts:
        print("No benchmark found (bench/bench_*.py).", file=sys.stderr)
        return 1
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "kpplatform.settings"
        ),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])
        ),
    }
    database = os.environ.get("DATABASE_URL", "sqlite (embedded default)")
    print(f"Benchmarks: {len(scripts)} · database: {database.split('@')[-1]}")
    summary: list[tuple[str, str, float]] = []
    for script in scripts:
        print(f"\n=== {script.stem}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env)  # noqa: S603
        elapsed = time.perf_counter() - started
        status = "ok" if result.returncode == 0 else f"FAILED ({result.returncode})"
        summary.append((script.stem, status, elapsed))
    print("\n=== summary")
    width = max(len(name) for name, _, _ in summary)
    for name, status, elapsed in summary:
        print(f"{name:<{width}}  {status:<12} {elapsed:8.1f} s")
    return 0 if all(status == "ok" for _, status, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
