"""chipledger: AWS Trainium and NVIDIA GPUs compared on public, sourced numbers.

    import chipledger
    chipledger.specs()            # one row per chip, preferred figures in SI units
    chipledger.load("chip_specs") # one validated, typed table
    chipledger.validate()         # the whole ledger; raises chipledger.DataError
"""

from .data import DataError, chip_figures, data_dir, load, sources_for, specs, validate

__all__ = ["DataError", "chip_figures", "data_dir", "load", "sources_for", "specs", "validate"]
__version__ = "0.1.0"
