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
