"""What the benchmark commands share (they are run by hand; see docs/benchmarks.md)."""

import statistics


def percentiles(samples: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile of the timings."""
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return statistics.median(samples), cuts[18]
