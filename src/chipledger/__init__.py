"""chipledger: AWS Trainium and NVIDIA GPUs compared on public, sourced numbers.

    import chipledger
    chipledger.specs()            # one row per chip, preferred figures in SI units
    chipledger.load("chip_specs") # one validated, typed table
    chipledger.validate()         # the whole ledger; raises chipledger.DataError
"""

__all__ = ["DataError", "chip_figures", "data_dir", "load", "sources_for", "specs", "validate"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # The data API loads pandas and Frictionless; importing it on first use keeps light tools (the
    # streaming price-list parser) light.
    if name in __all__:
        from . import data

        return getattr(data, name)
    raise AttributeError(f"module 'chipledger' has no attribute {name!r}")
