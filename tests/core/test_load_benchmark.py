"""The load benchmark reads ApacheBench's report (the benchmark itself runs by hand)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from website.management.commands.load_benchmark import parse_ab

AB_REPORT = """
Concurrency Level:      8
Time taken for tests:   5.012 seconds
Complete requests:      421
Failed requests:        40
   (Connect: 1, Receive: 2, Length: 33, Exceptions: 4)
Non-2xx responses:      3
Requests per second:    84.00 [#/sec] (mean)

Percentage of the requests served within a certain time (ms)
  50%     88
  66%     94
  90%    110
  95%    121
  98%    140
  99%    152
 100%    201 (longest request)
"""


def test_a_report_gives_throughput_percentiles_and_real_errors_only():
    done, per_second, percents, errors = parse_ab(AB_REPORT)
    assert (done, per_second) == (421, 84.0)
    assert percents == {50: 88.0, 95: 121.0, 99: 152.0}
    # A page's length varies with its nonce: "Length" failures are not errors.
    assert errors == 1 + 2 + 4 + 3


def test_a_report_without_failures_has_no_errors():
    clean = AB_REPORT.replace("   (Connect: 1, Receive: 2, Length: 33, Exceptions: 4)\n", "")
    clean = clean.replace("Failed requests:        40", "Failed requests:        0")
    clean = clean.replace("Non-2xx responses:      3\n", "")
    assert parse_ab(clean)[3] == 0


def test_filling_is_refused_outside_the_benchmarks_own_stack(monkeypatch, settings, db):
    monkeypatch.delenv("BRUG_BENCHMARK_SCRATCH", raising=False)
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/ab")
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
    with pytest.raises(CommandError, match="only on a scratch stack"):
        call_command("load_benchmark", "--services", "10")
