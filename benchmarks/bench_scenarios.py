"""One million draws through the 2 GW model (issue 5 target: under 1 s). Run with
`.venv/bin/python benchmarks/bench_scenarios.py`; prints the wall time of the draws and the model."""

from __future__ import annotations

import statistics
import time

from chipledger import power, scenarios


def main() -> None:
    model, table = power.gigawatt_model("trainium3", 2.0)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        values = scenarios.run(model, table, 1_000_000)
        times.append(time.perf_counter() - started)
    summary = scenarios.summarise(values / 1e6)
    print(f"1,000,000 draws through the 2 GW model: median {statistics.median(times):.3f} s over 5 runs "
          f"(target < 1 s); Trainium3 chips: median {summary['median']:.3f} million "
          f"(5-95%: {summary['p5']:.3f} to {summary['p95']:.3f})")


if __name__ == "__main__":
    main()
