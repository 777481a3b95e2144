"""Shared by the benchmarks: time a page through the real app."""

import statistics
import time


def timed(client, url: str, repeat: int = 30) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds of `repeat` GETs (each must answer 200)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
