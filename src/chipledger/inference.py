"""Power and inference economics for notebooks/05_power_and_inference.ipynb.

Plain numpy models (each takes arrays of inputs, so the scenarios engine can push a million draws
through at once) and the small tables the notebook shows. Units are in the names: watts, FLOP/s,
bytes/s, tokens per second, US dollars.

Roofline bounds for one chip serving a transformer with N_active parameters at b bytes per parameter:
- decode, one sequence (batch 1): every token reads every active weight once, so it is memory-bound:
  tokens/s <= MBU x HBM bandwidth / (N_active x b);
- prefill (or decode at a large batch): about 2 x N_active FLOPs per token, compute-bound:
  tokens/s <= MFU x peak FLOP/s / (2 x N_active).
KV-cache traffic and communication are left out, so both are upper bounds.
"""

from __future__ import annotations

import numpy as np

SECONDS_PER_HOUR = 3600.0


def all_in_watts_per_chip(chip_w, host_w_per_chip, pue):
    """Facility power per accelerator: (chip + its share of host, network and cooling IT) x PUE."""
    return (np.asarray(chip_w) + np.asarray(host_w_per_chip)) * np.asarray(pue)


def chips_per_gigawatts(gigawatts, chip_w, host_w_per_chip, pue):
    """How many accelerators a facility of this many gigawatts powers."""
    return np.asarray(gigawatts) * 1e9 / all_in_watts_per_chip(chip_w, host_w_per_chip, pue)


def decode_tokens_per_s(hbm_bandwidth_bytes_per_s, mbu, active_parameters, bytes_per_parameter):
    """Memory-bound decode rate of one sequence at batch 1 (tokens per second per chip)."""
    return np.asarray(mbu) * np.asarray(hbm_bandwidth_bytes_per_s) / (
        np.asarray(active_parameters) * np.asarray(bytes_per_parameter))


def prefill_tokens_per_s(peak_flops, mfu, active_parameters):
    """Compute-bound token rate (prefill, or decode at a large batch), tokens per second per chip."""
    return np.asarray(mfu) * np.asarray(peak_flops) / (2.0 * np.asarray(active_parameters))


def usd_per_million_tokens(usd_per_chip_hour, tokens_per_s, utilisation=1.0):
    """Price of a million tokens when a chip-hour costs usd_per_chip_hour and the chip is busy a
    `utilisation` fraction of the time at tokens_per_s."""
    tokens_per_hour = np.asarray(tokens_per_s) * SECONDS_PER_HOUR * np.asarray(utilisation)
    return np.asarray(usd_per_chip_hour) / tokens_per_hour * 1e6


def tokens_per_s_per_megawatt(tokens_per_s_per_chip, chip_w, host_w_per_chip, pue, utilisation=1.0):
    """Tokens per second that one megawatt of facility power delivers."""
    chips = 1e6 / all_in_watts_per_chip(chip_w, host_w_per_chip, pue)
    return chips * np.asarray(tokens_per_s_per_chip) * np.asarray(utilisation)


def kv_cache_bytes_per_token(layers, kv_heads, head_dim, bytes_per_element):
    """Bytes the KV cache of one token takes: a key and a value per KV head, per layer."""
    return 2.0 * np.asarray(layers) * np.asarray(kv_heads) * np.asarray(head_dim) * np.asarray(bytes_per_element)


def chips_to_hold(bytes_needed, hbm_bytes_per_chip):
    """How many chips' HBM a model's weights and cache need (at least 1)."""
    return np.maximum(1, np.ceil(np.asarray(bytes_needed) / np.asarray(hbm_bytes_per_chip)))


def flops_per_watt(peak_flops, chip_w):
    """Peak FLOP/s per watt of chip power (chip only, no host or facility)."""
    return np.asarray(peak_flops) / np.asarray(chip_w)


def electricity_usd_per_million_tokens(all_in_watts_per_chip, usd_per_kwh, tokens_per_s, utilisation=1.0):
    """Electricity alone per million tokens: a chip's facility power for the hours its tokens take.
    (An idle chip still draws power; this counts the busy share only, a lower bound.)"""
    kwh_per_hour = np.asarray(all_in_watts_per_chip) / 1000.0
    return usd_per_million_tokens(kwh_per_hour * np.asarray(usd_per_kwh), tokens_per_s, utilisation)
