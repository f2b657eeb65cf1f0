"""The whole `chipledger refresh aws-prices --source FILE` on an offer file in AWS's own layout (two
spaces per level, '"key" : value', products then terms with OnDemand and Reserved), against a plain
`json.load` of the same file, each in its own process, with peak resident memory. Run with
    .venv/bin/python benchmarks/bench_refresh_cli.py [--megabytes 450] [--keep FILE]

Target (issue 16): the whole command <= 0.25 x json.load's time and <= 100 MB peak resident on a
file of about 450 MB. The command runs against a scratch copy of data/ (the real one is untouched).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
# runs one command as a child and reports its wall time and its own peak resident set (VmHWM)
WRAPPER = """
import subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak = 0
import os
while child.poll() is None:
    try:
        with open(f"/proc/{child.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM"):
                    peak = max(peak, int(line.split()[1]))
    except OSError:
        pass
    time.sleep(0.01)
err = child.stderr.read().decode()[-400:].replace(chr(10), " ")
print(f"{time.perf_counter() - started:.3f} {peak / 1024:.0f} {child.returncode} {err}")
"""
JSON_LOAD = "import json, sys\nwith open(sys.argv[1], 'rb') as h:\n    json.load(h)\n"


def measure(command: list[str], env: dict) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, env=env,
                         check=True).stdout.split()
    if out[2] != "0":
        raise SystemExit(f"{command[-3:]}: exit {out[2]}: {' '.join(out[3:])}")
    return float(out[0]), float(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=450)
    parser.add_argument("--keep", type=Path, help="write the offer file here and keep it")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    import make_price_fixtures

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        offer = args.keep or scratch / "offer.json"
        size = make_price_fixtures.write_big_offer(offer, args.megabytes)
        shutil.copytree(ROOT / "data", scratch / "data")
        env = {**os.environ, "CHIPLEDGER_DATA": str(scratch / "data"), "CHIPLEDGER_CACHE": str(scratch / "cache")}
        cli_s, cli_mb = measure([str(PYTHON), "-m", "chipledger.cli", "refresh", "aws-prices", "--source", str(offer)], env)
        json_s, json_mb = measure([str(PYTHON), "-c", JSON_LOAD, str(offer)], env)
    print(f"offer file in AWS's layout: {size / 1e6:.0f} MB")
    print(f"chipledger refresh aws-prices --source FILE: {cli_s:.2f} s, peak {cli_mb:.0f} MB resident")
    print(f"json.load of the file:                       {json_s:.2f} s, peak {json_mb:.0f} MB resident")
    ratio = cli_s / json_s
    print(f"whole command / json.load: {ratio:.2f} x (target <= 0.25); peak <= 100 MB: {cli_mb <= 100}")
    return 0 if ratio <= 0.25 and cli_mb <= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
