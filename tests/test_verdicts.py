"""The one verdict rule (chipledger.verdicts): a table of made-up claims through it, and every real
claim's verdict against the evidence computed for it."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import chipledger
from chipledger import costs, overview, power, verdicts
from chipledger.verdicts import CONTRADICTED, NOT_VERIFIABLE, PARTLY, SUPPORTED


def claim(value, bound="exact", precision=1.0, high=None, kind="figure", name="made-up"):
    return pd.Series({"quote": "made up", "kind": kind, "claimed_value": value, "claimed_high": high,
                      "claimed_unit": "times", "claimed_bound": bound, "claimed_precision": precision,
                      "source_id": "techcrunch-trainium-lab-2026-03-22"}, name=name)


# --- rule 1: numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("computed, claimed, bound, precision, high, verdict", [
    # exact: rounds to the claim at its precision
    (4.36, 4.4, "exact", 0.1, None, SUPPORTED),
    (4.35, 4.4, "exact", 0.1, None, SUPPORTED),          # half rounds away from zero
    (4.34, 4.4, "exact", 0.1, None, PARTLY),             # 4.3 != 4.4, but within 10%
    (3.80, 3.9, "exact", 0.1, None, PARTLY),             # AWS's 3.9x memory bandwidth
    (3.50, 3.9, "exact", 0.1, None, CONTRADICTED),       # 10.3% short
    (4.30, 3.9, "exact", 0.1, None, CONTRADICTED),       # 10.3% over an exact claim
    (52e9, 50e9, "exact", 1e9, None, PARTLY),            # '$50 billion' against $52B
    (50.4e9, 50e9, "exact", 1e9, None, SUPPORTED),
    (1.44e6, 1.4e6, "exact", 1e5, None, SUPPORTED),      # '1.4 million' against 1.44 million
    (1.46e6, 1.4e6, "exact", 1e5, None, PARTLY),
    # at_least and up_to: reaching the claim supports it, more is still supported
    (1.2e6, 1e6, "at_least", 1e6, None, SUPPORTED),
    (0.95e6, 1e6, "at_least", 1e6, None, SUPPORTED),     # rounds to 1 million at the claim's precision
    (0.92e6, 1e6, "at_least", 1e5, None, PARTLY),
    (0.80e6, 1e6, "at_least", 1e5, None, CONTRADICTED),
    (6.0, 4.4, "up_to", 0.1, None, SUPPORTED),
    (4.0, 4.4, "up_to", 0.1, None, PARTLY),              # 9.1% short of the best case
    (3.9, 4.4, "up_to", 0.1, None, CONTRADICTED),
    # range: inside, close to an end, far from both
    (35.0, 30.0, "range", 1.0, 40.0, SUPPORTED),
    (40.4, 30.0, "range", 1.0, 40.0, SUPPORTED),         # rounds to 40
    (43.0, 30.0, "range", 1.0, 40.0, PARTLY),            # 7.5% above the high end
    (27.5, 30.0, "range", 1.0, 40.0, PARTLY),
    (86.0, 30.0, "range", 1.0, 40.0, CONTRADICTED),
])
def test_the_number_rule(computed, claimed, bound, precision, high, verdict):
    assert verdicts.number_verdict(computed, claimed, precision, bound, high) == verdict


def test_several_values_agree_or_the_claim_is_only_partly_supported():
    c = claim(30.0, "range", 1.0, 40.0)
    assert verdicts.numbers_verdict([31.0, 39.0], c) == SUPPORTED
    assert verdicts.numbers_verdict([34.0, 86.0], c) == PARTLY      # supported at one snapshot only
    assert verdicts.numbers_verdict([90.0, 86.0], c) == CONTRADICTED
    assert verdicts.numbers_verdict([1.4e6], claim(1.4e6, precision=1e5), narrower_basis=True) == PARTLY


def test_rounding_to_the_claims_precision():
    assert verdicts.rounded_to(4.36, 0.1) == pytest.approx(4.4)
    assert verdicts.rounded_to(4.35, 0.1) == pytest.approx(4.4)
    assert verdicts.rounded_to(-2.5, 1.0) == -3.0
    assert verdicts.rounded_to(50.4e9, 1e9) == 50e9
    with pytest.raises(ValueError, match="precision must be more than 0"):
        verdicts.rounded_to(1.0, 0.0)


def test_a_range_without_its_high_end_and_an_unknown_bound_are_refused():
    with pytest.raises(ValueError, match="needs its high end"):
        verdicts.number_verdict(35.0, 30.0, 1.0, "range", None)
    with pytest.raises(ValueError, match="bound 'roughly'"):
        verdicts.number_verdict(35.0, 30.0, 1.0, "roughly")


# --- rule 2: statements --------------------------------------------------------------------------

@pytest.mark.parametrize("says, verdict", [
    (["same"], SUPPORTED), (["same", "narrower"], SUPPORTED), (["narrower"], PARTLY),
    (["same", "otherwise"], PARTLY), (["narrower", "otherwise"], PARTLY), (["otherwise"], CONTRADICTED),
    (["otherwise", "otherwise"], CONTRADICTED), ([], NOT_VERIFIABLE), (None, NOT_VERIFIABLE),
])
def test_the_statement_rule(says, verdict):
    assert verdicts.statement_verdict(says) == verdict


def test_own_words_outrank_a_report(ledger):
    """A press account saying the same cannot outvote the party's own words."""
    c = chipledger.load("claims").set_index("claim_id").loc["frontier-exclusive-aws"]
    before = verdicts.from_statements(c)
    assert (before.verdict, before.grade) == (PARTLY, "company statement")
    rows = ledger.rows("evidence")
    header = rows[0]
    report = dict(zip(header, rows[1]))
    report.update(claim_id="frontier-exclusive-aws", date="2026-03-01", speaker="A reporter", words="report",
                  says="same", source_id="reuters-ft-msft-legal-2026-03-18", quote="AWS is the exclusive provider",
                  notes="made up")
    ledger.write_rows("evidence", rows + [[report[h] for h in header]])
    after = verdicts.from_statements(c)
    assert (after.verdict, after.grade) == (PARTLY, "company statement")
    assert "weaker (press report): 1 statement(s)" in after.why


def test_a_claim_with_no_statement_rests_on_the_article_alone(ledger):
    rows = ledger.rows("evidence")
    kept = [rows[0]] + [r for r in rows[1:] if r[0] != "bedrock-majority-trainium2"]
    ledger.write_rows("evidence", kept)
    c = chipledger.load("claims").set_index("claim_id").loc["bedrock-majority-trainium2"]
    finding = verdicts.from_statements(c)
    assert (finding.verdict, finding.grade) == (NOT_VERIFIABLE, "press report")


# --- rule 3: peak is a ceiling -------------------------------------------------------------------

def test_peak_figures_never_support_a_delivered_claim():
    delivered = claim(30.0, "range", 1.0, 40.0, kind="delivered", name="aws-trn2-price-performance")
    finding = verdicts.Finding(SUPPORTED, "peak-spec ceiling", "86%", "peak per dollar")
    with pytest.raises(ValueError, match="about delivered performance"):
        verdicts.verdict_table({"x": (delivered, finding)})
    # a measured result may support it
    measured = verdicts.Finding(SUPPORTED, "company statement", "35%", "measured")
    assert verdicts.verdict_table({"x": (delivered, measured)}).at["x", "verdict"] == SUPPORTED


def test_the_ceiling_rule():
    # a comparison is contradicted only if the chip would have to deliver more than its peak
    assert verdicts.ceiling_verdict([0.97, 0.70]) == NOT_VERIFIABLE
    assert verdicts.ceiling_verdict([2.5, 3.0], rival_measured_efficiency=0.5) == CONTRADICTED
    assert verdicts.ceiling_verdict([1.5, 3.0], rival_measured_efficiency=0.5) == NOT_VERIFIABLE
    assert verdicts.absolute_ceiling_verdict(claimed=120.0, peak_ceiling=100.0) == CONTRADICTED
    assert verdicts.absolute_ceiling_verdict(claimed=80.0, peak_ceiling=100.0) == NOT_VERIFIABLE


# --- rule 4: grades ------------------------------------------------------------------------------

def test_the_weakest_grade_wins():
    assert verdicts.weakest(["audited filing", "company statement"]) == "company statement"
    assert verdicts.weakest(["vendor specification", "model", "press report"]) == "model"
    with pytest.raises(ValueError, match="grades must be some of"):
        verdicts.weakest(["hearsay"])


def test_source_grades_follow_the_kind_of_document():
    assert verdicts.source_grade("amzn-10k-fy2023") == "audited filing"
    assert verdicts.source_grade("amzn-8k-2026-02-05-q4fy2025") == "company statement"  # an 8-K exhibit
    assert verdicts.source_grade("neuron-trn3-arch", specification=True) == "vendor specification"
    assert verdicts.source_grade("techcrunch-trainium-lab-2026-03-22") == "press report"
    assert verdicts.source_grade("semianalysis-trainium2") == "analyst estimate"


def test_a_verdict_or_grade_outside_the_vocabulary_is_refused():
    with pytest.raises(ValueError, match="'probably' is not one of"):
        verdicts.Finding("probably", "model", "x", "y")
    with pytest.raises(ValueError, match="grade 'gossip'"):
        verdicts.Finding(SUPPORTED, "gossip", "x", "y")


def test_claimed_text_in_readers_words():
    assert verdicts.claimed_text(pd.Series({"claimed_value": 5e10, "claimed_unit": "USD", "claimed_bound": "exact",
                                            "claimed_high": None})) == "$50.0B"
    assert verdicts.claimed_text(claim(30.0, "range", 1.0, 40.0).replace({"times": "percent"})) == "30-40%"
    assert verdicts.claimed_text(claim(4.4, "up_to", 0.1)) == "up to 4.4x"


# --- the real claims -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def every_verdict():
    return overview.all_verdicts()


def test_the_contract_columns(every_verdict):
    for column in ("claim", "whose_claim", "claimed", "verdict", "grade", "evidence", "notebook", "section",
                   "would_change_it", "holds_if"):
        assert column in every_verdict.columns
    assert every_verdict.index.name == "claim_id"
    assert set(every_verdict.index) == set(chipledger.load("claims")["claim_id"])
    assert set(every_verdict["verdict"]) <= set(verdicts.VERDICTS)
    assert set(every_verdict["grade"]) <= set(verdicts.GRADES)


def test_no_delivered_claim_is_supported_by_peak_figures(every_verdict):
    kinds = chipledger.load("claims").set_index("claim_id")["kind"]
    delivered = every_verdict[kinds.reindex(every_verdict.index) == "delivered"]
    assert len(delivered) >= 4
    peak = delivered["grade"].isin(["vendor specification", "peak-spec ceiling"])
    assert not (peak & delivered["verdict"].isin([SUPPORTED, PARTLY])).any()


def test_every_unsettled_cost_power_or_delivered_claim_says_what_would_make_it_hold(every_verdict):
    claims = chipledger.load("claims").set_index("claim_id")
    wanted = claims[claims["topic"].isin(["cloud_costs", "power"]) | (claims["kind"] == "delivered")].index
    unsettled = every_verdict.loc[wanted].query("verdict == @NOT_VERIFIABLE")
    assert len(unsettled) >= 4
    for claim_id, holds in unsettled["holds_if"].items():
        assert any(ch.isdigit() for ch in holds), (claim_id, holds)


def test_the_ratio_claims_follow_their_recomputed_ratios(every_verdict):
    from chipledger import systems

    ratios = systems.trn3_against_trn2()
    claims = chipledger.load("claims").set_index("claim_id")
    for claim_id, measure in systems.RATIO_CLAIMS.items():
        expected = verdicts.numbers_verdict([ratios.at[measure, "ultraserver_ratio"]], claims.loc[claim_id])
        assert every_verdict.at[claim_id, "verdict"] == expected
    assert every_verdict.at["aws-trn3-4.4x-performance", "verdict"] == SUPPORTED        # 4.36x
    assert every_verdict.at["aws-trn3-3.9x-memory-bandwidth", "verdict"] == PARTLY      # 3.80x
    assert "2.26x" in every_verdict.at["aws-trn3-4.4x-performance", "evidence"]        # BF16 beside it


def test_the_trn2_claim_is_checked_at_every_snapshot(every_verdict):
    claim_row = chipledger.load("claims").set_index("claim_id").loc["aws-trn2-price-performance"]
    needed = costs.trn2_required_efficiency(claim_row)
    assert len(needed) >= 2
    # the ratio is (1 + 30%) / (1 + the least peak advantage) at each snapshot
    expected = 1.3 / (1 + needed["least_peak_advantage_percent"] / 100)
    assert needed["efficiency_ratio_for_claim_low"].to_numpy() == pytest.approx(expected.to_numpy(), abs=0.006)
    holds = every_verdict.at["aws-trn2-price-performance", "holds_if"]
    for day, ratio in needed["efficiency_ratio_for_claim_low"].items():
        assert f"{ratio:.2f}x ({day:%Y-%m-%d})" in holds
    assert every_verdict.at["aws-trn2-price-performance", "grade"] == "peak-spec ceiling"


def test_the_trn3_half_cost_break_even_is_half_the_rivals_unit_price():
    table = costs.trn3_half_cost_prices()
    totals = chipledger.load("systems")  # noqa: F841 (the ledger is valid)
    from chipledger import systems

    trn3 = systems.derived_totals().loc["trn3-ultraserver-gen2"]
    rival = costs.latest("capacity_block").loc["p6e-gb200-ultraserver"]
    fp8 = table[(table["rival"] == "p6e-gb200-ultraserver") & (table["measure"] == "dense FP8")].iloc[0]
    assert fp8["trn3_usd_per_hour_for_half_cost"] == pytest.approx(
        0.5 * rival["usd_per_fp8_dense_pflop_hour"] * trn3["fp8_dense_flops"] / 1e15, abs=0.006)


def test_the_5x_sweep_at_one_power_by_hand():
    specs = chipledger.specs()
    table = power.assumptions()
    host = table.at["host_power_per_accelerator_w", "central"]
    trn2 = table.at["chip_power_w:trainium2", "central"]
    sweep = power.trn3_per_megawatt_sweep(5.0, powers_w=[1000.0])
    row = sweep[sweep["scenario"] == "8-bit, compute-bound"].iloc[0]
    expected = specs.at["trainium3", "fp8_dense_flops"] / specs.at["trainium2", "fp8_dense_flops"] * (trn2 + host) / (1000 + host)
    assert row["ratio_at_equal_efficiency"] == pytest.approx(expected, abs=0.006)
    assert row["efficiency_ratio_needed"] == pytest.approx(5.0 / expected, abs=0.01)
    four_bit = sweep[sweep["scenario"].str.startswith("4-bit") & sweep["scenario"].str.contains("decode")].iloc[0]
    eight_bit = sweep[sweep["scenario"] == "8-bit, decode (HBM-bound)"].iloc[0]
    assert four_bit["ratio_at_equal_efficiency"] == pytest.approx(2 * eight_bit["ratio_at_equal_efficiency"], abs=0.011)


def test_the_5x_verdict_stays_a_ceiling_whatever_the_power(ledger):
    assert power.power_claim_verdicts().at["aws-trn3-5x-tokens-per-megawatt", "verdict"] == NOT_VERIFIABLE
    # if Trainium2 drew 4,000 W, equal efficiency would already give more than 5x: still not verified
    for source in ("epoch-ai-chip-counts-trainium", "semianalysis-trainium2"):
        line = ledger.find_line("chip_specs", chip_id="trainium2", metric="tdp", source_id=source)
        for column in ("value", "low", "high"):
            ledger.set_cell("chip_specs", line, column, "4000")
    after = power.power_claim_verdicts().loc["aws-trn3-5x-tokens-per-megawatt"]
    assert after["verdict"] == NOT_VERIFIABLE and after["grade"] == "peak-spec ceiling"
    assert not math.isnan(float(after["public_figure"].split("x")[0]))


@pytest.mark.parametrize("parts, expected", [
    ([SUPPORTED, SUPPORTED], SUPPORTED),
    ([CONTRADICTED, CONTRADICTED], CONTRADICTED),
    ([SUPPORTED, CONTRADICTED], PARTLY),
    ([PARTLY, SUPPORTED], PARTLY),
    ([PARTLY, CONTRADICTED], PARTLY),
    ([SUPPORTED, NOT_VERIFIABLE], NOT_VERIFIABLE),
])
def test_a_claim_of_several_parts(parts, expected):
    assert verdicts.parts_verdict(parts) == expected


def test_a_part_without_a_verdict_is_refused():
    with pytest.raises(ValueError, match="each part needs one of"):
        verdicts.parts_verdict([])
    with pytest.raises(ValueError, match="each part needs one of"):
        verdicts.parts_verdict(["true"])
