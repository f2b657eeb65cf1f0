"""Roofline and power models on hand-worked examples."""

import numpy as np
import pytest

from chipledger import inference


def test_decode_is_bandwidth_over_bytes_per_token():
    # 70e9 parameters at 2 bytes read once per token: 140 GB per token. At 3.35 TB/s and full
    # bandwidth use that is 3.35e12 / 1.4e11 = 23.93 tokens/s; at 70% of it, 16.75.
    assert inference.decode_tokens_per_s(3.35e12, 1.0, 70e9, 2) == pytest.approx(23.928571)
    assert inference.decode_tokens_per_s(3.35e12, 0.7, 70e9, 2) == pytest.approx(16.75)
    # FP8 halves the bytes and doubles the rate
    assert inference.decode_tokens_per_s(3.35e12, 0.7, 70e9, 1) == pytest.approx(33.5)


def test_prefill_is_flops_over_two_flops_per_parameter():
    # 989.4e12 FLOP/s at 40% MFU on 70e9 parameters: 0.4 * 989.4e12 / 1.4e11 = 2826.857 tokens/s
    assert inference.prefill_tokens_per_s(989.4e12, 0.4, 70e9) == pytest.approx(2826.857142)


def test_gigawatts_to_chips():
    # 1,000 W chip + 500 W host at PUE 1.2 draws 1,800 W: 2 GW powers 1,111,111 chips
    assert inference.chips_per_gigawatts(2, 1000, 500, 1.2) == pytest.approx(2e9 / 1800)


def test_usd_per_million_tokens():
    # $3.60 a chip-hour at 100 tokens/s all hour: 360,000 tokens per hour, $10 per million;
    # busy half the time: $20 per million
    assert inference.usd_per_million_tokens(3.6, 100) == pytest.approx(10.0)
    assert inference.usd_per_million_tokens(3.6, 100, 0.5) == pytest.approx(20.0)


def test_tokens_per_megawatt():
    # 1 MW / (1,000 W x 1.25) = 800 chips x 50 tokens/s = 40,000 tokens/s
    assert inference.tokens_per_s_per_megawatt(50, 800, 200, 1.25) == pytest.approx(40_000)


def test_models_take_arrays():
    draws = np.array([1.1, 1.2, 1.3])
    chips = inference.chips_per_gigawatts(2, 1000, 500, draws)
    assert chips.shape == (3,) and (np.diff(chips) < 0).all()


def test_electricity_per_million_tokens():
    # 1,800 W all in at $0.10/kWh is $0.18 an hour; at 100 tokens/s that is $0.50 per million tokens
    assert inference.electricity_usd_per_million_tokens(1800, 0.10, 100) == pytest.approx(0.5)
