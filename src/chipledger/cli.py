"""Command line: `chipledger validate`, `chipledger refresh aws-prices|sec|mlperf`."""

from __future__ import annotations

import argparse
import math
import sys


def _seconds(text: str) -> float:
    """A timeout: a positive number of seconds, at most an hour."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"value {text!r} is not a number of seconds") from None
    if not (math.isfinite(value) and 0 < value <= 3600):
        raise argparse.ArgumentTypeError(f"value {text!r} is not in (0, 3600] seconds")
    return value


def _count(text: str) -> int:
    """--history: a whole number from 0 to 100."""
    if not text.isdigit() or int(text) > 100:
        raise argparse.ArgumentTypeError(f"value {text!r} is not a whole number from 0 to 100")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chipledger", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check every table of the ledger ($CHIPLEDGER_DATA or data/)")
    refresh = commands.add_parser("refresh", help="pull AWS prices, SEC figures or MLPerf results into the ledger")
    kinds = refresh.add_subparsers(dest="kind", required=True)
    aws = kinds.add_parser("aws-prices", help="AWS Price List Bulk API -> prices.csv")
    aws.add_argument("--region", action="append", dest="regions", metavar="R",
                     help="region code (repeatable; default us-east-1), or 'all' for every region of the index")
    aws.add_argument("--keep-cache", action="store_true",
                     help="keep downloaded offer files in the cache (default: each is removed once parsed)")
    aws.add_argument("--source", metavar="URL_OR_FILE",
                     help="service index, region index or offer file, as a URL or a local file "
                          "(default: AWS's service index)")
    aws.add_argument("--history", type=_count, default=0, metavar="N",
                     help="also read the last N earlier versions of the price list")
    sec = kinds.add_parser("sec", help="SEC EDGAR companyfacts of NVIDIA and Amazon -> financials.csv "
                                       "(needs SEC_USER_AGENT='Name email@example.org')")
    sec.add_argument("--source", metavar="URL_OR_FOLDER",
                     help="companyfacts base URL, or a folder with CIK##########.json files")
    mlperf = kinds.add_parser("mlperf", help="an MLPerf Inference round's summary_results.json -> benchmarks.csv")
    mlperf.add_argument("--source", metavar="FILE_OR_URL", required=True,
                        help="the round's summary_results.json (e.g. from mlcommons/inference_results_v5.1)")
    for sub in (aws, sec, mlperf):
        sub.add_argument("--timeout", type=_seconds, default=60.0, help="seconds to wait for a server (default 60)")
    args = parser.parse_args(argv)

    if args.command == "validate":
        from . import data  # (data.py keeps jsonschema's slow optional import out; see there)

        try:
            counts = data.row_counts()
        except data.DataError as error:
            print(f"chipledger validate: {error}", file=sys.stderr)
            return 1
        summary = ", ".join(f"{name} {n}" for name, n in counts.items())
        print(f"ledger at {data.data_dir()} is valid: {sum(counts.values())} rows ({summary})")
        return 0

    from . import data
    from . import refresh as refresher

    try:
        summary = refresher.run(args.kind, getattr(args, "regions", None), args.source, getattr(args, "history", 0),
                                args.timeout, keep_cache=getattr(args, "keep_cache", False))
    except (refresher.RefreshError, data.DataError) as error:
        print(f"chipledger refresh {args.kind}: {error}\ndata/ was not changed.", file=sys.stderr)
        return 1
    for line in summary.lines():
        print(f"chipledger refresh {args.kind}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
