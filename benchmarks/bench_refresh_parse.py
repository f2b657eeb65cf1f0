"""Parse a synthetic one-region EC2 offer file (>= 400 MB, real layout) with the refresh's streaming
parser and with plain json.load, each in its own process, and compare peak memory and wall time.

Targets (issue 6): the refresh peaks under 100 MB resident and takes at most 0.6 x json.load's time.
    .venv/bin/python benchmarks/bench_refresh_parse.py [--megabytes 400] [--keep FILE]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, resource, sys, time
from pathlib import Path
path, how = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
if how == "refresh":
    from chipledger.refresh import parse_offer
    header, rows = parse_offer(path)
    count = len(rows)
else:
    with path.open("rb") as handle:
        document = json.load(handle)
    count = len(document["products"])
seconds = time.perf_counter() - started
print(f"{seconds:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {count}")
"""


def measure(path: Path, how: str) -> tuple[float, float, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), how], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=400)
    parser.add_argument("--keep", type=Path, help="write the synthetic file here and keep it")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    import make_price_fixtures

    with tempfile.TemporaryDirectory() as scratch:
        path = args.keep or Path(scratch) / "offer.json"
        size = make_price_fixtures.write_big_offer(path, args.megabytes)
        refresh_s, refresh_mb, rows = measure(path, "refresh")
        json_s, json_mb, products = measure(path, "json")
    print(f"offer file: {size / 1e6:.0f} MB, {products:,} products")
    print(f"refresh parser: {refresh_s:.2f} s, peak {refresh_mb:.0f} MB resident, {rows} accelerator prices")
    print(f"json.load:      {json_s:.2f} s, peak {json_mb:.0f} MB resident")
    print(f"refresh / json.load time: {refresh_s / json_s:.2f} (target <= 0.6); "
          f"refresh peak under 100 MB: {refresh_mb < 100}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
