import json
import math

import pytest
from conftest import DATA

from chipledger import units


def test_gib_is_not_gb():
    assert units.to_si(1, "GiB") == 1_073_741_824
    assert units.to_si(1, "GB") == 1_000_000_000
    assert units.convert(96, "GiB", "GB") == pytest.approx(103.079215104)


def test_compute_units_to_flops():
    assert units.to_si(667, "TFLOPS") == pytest.approx(6.67e14)
    assert units.to_si(2.5, "PFLOPS") == pytest.approx(2.5e15)
    assert units.convert(1, "PFLOPS", "TFLOPS") == pytest.approx(1000)


def test_bandwidth_units_to_bytes_per_second():
    assert units.to_si(2.9, "TB/s") == pytest.approx(2.9e12)
    assert units.to_si(820, "GiB/s") == pytest.approx(820 * 2**30)
    # bits, not bytes: 800 Gbps is 100 GB/s
    assert units.convert(800, "Gbps", "GB/s") == pytest.approx(100)


def test_power_units():
    assert units.to_si(1.2, "kW") == pytest.approx(1200)
    assert units.convert(2, "GW", "MW") == pytest.approx(2000)


def test_conversion_between_dimensions_is_refused():
    with pytest.raises(ValueError, match="cannot convert GB"):
        units.convert(1, "GB", "GB/s")
    with pytest.raises(ValueError, match="cannot convert TOPS"):
        units.convert(1, "TOPS", "TFLOPS")


def test_unknown_unit_is_refused_with_the_list_of_known_ones():
    with pytest.raises(KeyError, match="unknown unit 'Gflops'.*TFLOPS"):
        units.to_si(1, "Gflops")


def test_every_unit_and_metric_maps_to_a_finite_si_factor():
    for unit, (dim, factor) in units.UNITS.items():
        assert dim in units.SI_UNIT, unit
        assert math.isfinite(factor) and factor > 0, unit
    assert set(units.METRICS.values()) <= set(units.SI_UNIT)


def test_datapackage_vocabularies_are_the_units_table():
    package = json.loads((DATA / "datapackage.json").read_text())
    for table in ("chip_specs", "system_specs"):
        resource = next(r for r in package["resources"] if r["name"] == table)
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        assert fields["unit"]["constraints"]["enum"] == list(units.UNITS)
        assert fields["metric"]["constraints"]["enum"] == list(units.METRICS)
