"""bench/bench_pages.py (bench/wrkrun.py) counts as an error every answer a user would not call
the page: a redirect (a signed-in page sending to the login form would look
fast), a 4xx/5xx and a socket error."""

from bench.wrkrun import parse_wrk

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/learn/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.18ms    2.18ms  16.96ms   87.40%
    Req/Sec     1.11k   504.55     2.51k    80.00%
  Latency Distribution
     50%   11.18ms
     75%   13.03ms
     90%   14.86ms
     99%    1.05s
  2218 requests in 5.00s, 329.23KB read
{sockets}Requests/sec:    443.60
Transfer/sec:    327.88KB
statuses: {statuses}
"""


def test_all_answers_2xx_is_no_error():
    run = parse_wrk(WRK_OUTPUT.format(sockets="", statuses="2218 0 0 0"))
    assert run["errors"] == 0
    assert run["rps"] == 443.6
    assert run["p50"] == 11.18
    assert run["p99"] == 1050.0
    assert run["requests"] == 2218


def test_redirects_client_and_server_errors_are_counted():
    run = parse_wrk(WRK_OUTPUT.format(sockets="", statuses="2000 200 10 8"))
    assert run["errors"] == 218
    assert run["error_kinds"] == {"3xx": 200, "4xx": 10, "5xx": 8}


def test_socket_errors_are_counted():
    sockets = "  Socket errors: connect 1, read 2, write 0, timeout 4\n"
    run = parse_wrk(WRK_OUTPUT.format(sockets=sockets, statuses="2218 0 0 0"))
    assert run["errors"] == 7
    assert run["error_kinds"] == {"connect": 1, "read": 2, "timeout": 4}
