"""The one table of unit conversions.

Values in data/ are stored in the unit their source states (TFLOPS, GiB, TB/s, ...). Everything that
converts them goes through this module, into SI base units: FLOP/s, OP/s (integer), bytes, bytes per second, watts; money into US dollars.

GiB is not GB: 1 GiB = 2**30 bytes = 1.073741824 GB.
"""

from __future__ import annotations

# unit -> (dimension, factor that turns one of the unit into the SI base unit of its dimension)
UNITS: dict[str, tuple[str, float]] = {
    # compute: floating-point operations per second
    "TFLOPS": ("flops", 1e12),
    "PFLOPS": ("flops", 1e15),
    "EFLOPS": ("flops", 1e18),
    # integer compute: operations per second (INT8 TOPS are not FLOP/s and never share a column)
    "TOPS": ("ops", 1e12),
    "POPS": ("ops", 1e15),
    # memory capacity: bytes
    "MiB": ("bytes", 2.0**20),
    "GB": ("bytes", 1e9),
    "TB": ("bytes", 1e12),
    "GiB": ("bytes", 2.0**30),
    "TiB": ("bytes", 2.0**40),
    # bandwidth: bytes per second (Gbps and Tbps are bits per second, 8 bits to the byte)
    "GB/s": ("bytes_per_s", 1e9),
    "TB/s": ("bytes_per_s", 1e12),
    "GiB/s": ("bytes_per_s", 2.0**30),
    "TiB/s": ("bytes_per_s", 2.0**40),
    "Gbps": ("bytes_per_s", 1e9 / 8),
    "Tbps": ("bytes_per_s", 1e12 / 8),
    # power: watts
    "W": ("watts", 1.0),
    "kW": ("watts", 1e3),
    "MW": ("watts", 1e6),
    "GW": ("watts", 1e9),
    # money: US dollars (company reports state millions or billions)
    "USD": ("usd", 1.0),
    "million USD": ("usd", 1e6),
    "billion USD": ("usd", 1e9),
}

# metric -> the dimension its unit must have
METRICS: dict[str, str] = {
    "peak_flops": "flops",
    "peak_ops": "ops",
    "hbm_capacity": "bytes",
    "hbm_bandwidth": "bytes_per_s",
    "scaleup_bandwidth": "bytes_per_s",
    "network_bandwidth": "bytes_per_s",
    "tdp": "watts",
}

# The one basis on which figures are compared across vendors (README, "Units and bases"):
# - HBM capacity is binary. The "GB" vendors print for HBM is a GiB: nvidia-smi reports an "80GB" H100
#   as 81,559 MiB and a "141 GB" H200 as 143,771 MiB (79.6 and 140.4 GiB, the rest kept by the driver),
#   and AWS's neuron-ls prints "96 GB" for a Trainium2 whose JSON output says 103,079,215,104 bytes
#   (96 x 2**30). The measurements are rows of chip_specs.csv with basis=measured. A system's "TB" of
#   HBM is a thousand of those GB: the totals are sums of the per-chip figures (72 x 186 GB = 13,392 GB,
#   "13.4 TB"; 72 x 288 GB, "20.7 TB").
# - Bandwidth is decimal. The "GiB/sec" of some Neuron pages is a GB/s: Trainium1's "820 GiB/sec" is two
#   HBM2e stacks of 410 GB/s (3.2 Gbps x 1,024 pins / 8), and the Neuron docs before April 2023 and the
#   NKI architecture guide print "820 GB/sec". The same April 2023 sweep of the Neuron pages relabelled
#   NeuronLink bandwidth "GiB/sec"; AWS's own Trainium2 page restates Trainium1's "384 GiB/sec" of the Trn1
#   page as 384 GB/s. Link rates are decimal, so scale-up bandwidth is read the same way.
# A figure is stored as stated; this table says how a stated unit is READ for comparison:
# (metric, stated unit) -> (what it is read as, bytes or bytes/s per one of the stated unit).
COMPARISON_UNIT: dict[tuple[str, str], tuple[str, float]] = {
    ("hbm_capacity", "GB"): ("GiB", 2.0**30),
    ("hbm_capacity", "TB"): ("1,000 GiB", 1000 * 2.0**30),
    ("hbm_bandwidth", "GiB/s"): ("GB/s", 1e9),
    ("hbm_bandwidth", "TiB/s"): ("TB/s", 1e12),
    ("scaleup_bandwidth", "GiB/s"): ("GB/s", 1e9),
    ("scaleup_bandwidth", "TiB/s"): ("TB/s", 1e12),
}

SI_UNIT = {"usd": "USD", "flops": "FLOP/s", "ops": "OP/s", "bytes": "B", "bytes_per_s": "B/s", "watts": "W"}


def units_of(dimension_name: str) -> list[str]:
    """Every unit of one dimension, in table order: units_of('usd') -> ['USD', 'million USD', ...]."""
    return [unit for unit, (dim, _) in UNITS.items() if dim == dimension_name]


def _lookup(unit: str) -> tuple[str, float]:
    try:
        return UNITS[unit]
    except KeyError:
        raise KeyError(f"unknown unit {unit!r}; known units: {', '.join(UNITS)}") from None


def dimension(unit: str) -> str:
    """The dimension of a unit: 'flops', 'ops', 'bytes', 'bytes_per_s', 'watts' or 'usd'. Raises KeyError."""
    return _lookup(unit)[0]


def to_si(value: float, unit: str) -> float:
    """Converts a value in `unit` to the SI base unit of its dimension (FLOP/s, B, B/s or W)."""
    return float(value) * _lookup(unit)[1]


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Converts between two units of one dimension: convert(96, 'GiB', 'GB') -> 103.079215104."""
    if dimension(from_unit) != dimension(to_unit):
        raise ValueError(
            f"cannot convert {from_unit} ({dimension(from_unit)}) to {to_unit} ({dimension(to_unit)})"
        )
    return float(value) * _lookup(from_unit)[1] / _lookup(to_unit)[1]


def comparison_unit(metric: str, unit: str) -> str:
    """What a stated unit of this metric is read as for comparison (COMPARISON_UNIT):
    comparison_unit('hbm_capacity', 'GB') -> 'GiB'; any other pair is read as stated."""
    return COMPARISON_UNIT.get((metric, unit), (unit, None))[0]


def comparison_factor(metric: str, unit: str) -> float:
    """SI base units per one of the stated unit, read on the comparison basis."""
    read_as = COMPARISON_UNIT.get((metric, unit))
    return read_as[1] if read_as else _lookup(unit)[1]


def to_si_on_basis(value: float, unit: str, metric: str) -> float:
    """A stated figure in SI base units on the one comparison basis: to_si_on_basis(80, 'GB',
    'hbm_capacity') -> 85,899,345,920 bytes (80 GiB); to_si_on_basis(820, 'GiB/s', 'hbm_bandwidth')
    -> 820e9 bytes/s."""
    return float(value) * comparison_factor(metric, unit)
