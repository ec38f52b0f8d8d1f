"""wrk runs for bench/bench_pages.py: one run's figures with every answer that
is not 2xx counted as an error, the first (cold) request of a page, and a
warm-up that goes on until the page's latency settles."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.error
import urllib.request

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


# Counts answers by status class in every wrk thread (wrk itself counts only
# 4xx and 5xx as errors: a signed-in page that redirects to the login form
# would look like a fast page).
STATUS_LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) s2, s3, s4, s5 = 0, 0, 0, 0 end
function response(status, headers, body)
  if status < 300 then s2 = s2 + 1
  elseif status < 400 then s3 = s3 + 1
  elseif status < 500 then s4 = s4 + 1
  else s5 = s5 + 1 end
end
function done(summary, latency, requests)
  local t = {0, 0, 0, 0}
  for _, thread in ipairs(threads) do
    t[1] = t[1] + thread:get("s2")
    t[2] = t[2] + thread:get("s3")
    t[3] = t[3] + thread:get("s4")
    t[4] = t[4] + thread:get("s5")
  end
  io.write(string.format("statuses: %d %d %d %d\n", t[1], t[2], t[3], t[4]))
end
"""


def parse_wrk(out: str) -> dict:
    """req/s, p50, p99 (ms) and errors by kind from wrk's output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\n\s+50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\n\s+99%\s+(\S+)", out).group(1))
    kinds = {}
    statuses = re.search(r"statuses: (\d+) (\d+) (\d+) (\d+)", out)
    if statuses:
        _ok, *bad = (int(n) for n in statuses.groups())
        kinds.update(zip(("3xx", "4xx", "5xx"), bad, strict=True))
    else:  # no script: wrk's own count of 4xx and 5xx
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        kinds["4xx/5xx"] = int(non2xx.group(1)) if non2xx else 0
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if sockets:
        kinds.update(
            zip(
                ("connect", "read", "write", "timeout"),
                map(int, sockets.groups()),
                strict=True,
            )
        )
    requests = re.search(r"(\d+) requests in", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "requests": int(requests.group(1)) if requests else 0,
        "errors": sum(kinds.values()),
        "error_kinds": {kind: n for kind, n in kinds.items() if n},
    }


def wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    cookie: str = "",
    script: str | None = None,
) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{max(connections, 2)}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        "Accept-Language: zh-hans",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", script]
    result = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=False
    )
    if result.returncode or "Requests/sec:" not in result.stdout:
        # The server did not answer at all (wrk: "unable to connect").
        reason = (result.stderr or result.stdout).strip().splitlines()
        return {
            "rps": 0.0,
            "p50": 0.0,
            "p99": 0.0,
            "requests": 0,
            "errors": 1,
            "error_kinds": {f"wrk failed ({reason[-1] if reason else '?'})": 1},
        }
    return parse_wrk(result.stdout)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def first_request(url: str, cookie: str = "") -> tuple[int, float]:
    """The status (redirects not followed) and time in ms of one request."""
    request = urllib.request.Request(  # noqa: S310 (local URL)
        url,
        headers={"Accept-Language": "zh-hans", "Cookie": cookie}
        if cookie
        else {"Accept-Language": "zh-hans"},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def warm_up(
    url: str,
    *,
    cookie: str,
    workers: int,
    per_worker: int,
    max_seconds: float,
    script: str,
) -> dict:
    """Rounds of 2 s (two connections a worker) until `per_worker` requests a
    worker were answered and a round's median is within 10 % (or 1 ms) of the
    round before, or `max_seconds` have gone. What it did, for the report."""
    started = time.monotonic()
    rounds, requests, medians, errors = 0, 0, [], 0
    settled = False
    while True:
        run = wrk(
            url, duration=2, connections=2 * workers, cookie=cookie, script=script
        )
        rounds += 1
        requests += run["requests"]
        errors += run["errors"]
        if run["requests"]:
            medians.append(run["p50"])
        enough = requests >= per_worker * workers
        if enough and len(medians) >= 2:
            before, last = medians[-2], medians[-1]
            if abs(last - before) <= max(0.10 * before, 1.0):
                settled = True
                break
        if time.monotonic() - started >= max_seconds:
            break
    return {
        "rounds": rounds,
        "requests": requests,
        "seconds": time.monotonic() - started,
        "first_p50": medians[0] if medians else 0.0,
        "last_p50": medians[-1] if medians else 0.0,
        "settled": settled,
        "errors": errors,
    }
