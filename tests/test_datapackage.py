"""datapackage.json declares every table of the design, its keys and its units."""

import json

from conftest import DATA

DESIGN_TABLES = ["sources", "chips", "chip_specs", "systems", "system_specs", "prices", "benchmarks", "financials",
                 "deals", "market_shares", "claims", "evidence", "assumptions"]
PACKAGE = json.loads((DATA / "datapackage.json").read_text())
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}


def test_every_design_table_is_declared_with_a_primary_key():
    assert list(RESOURCES) == DESIGN_TABLES
    for name, resource in RESOURCES.items():
        assert resource["path"] == f"{name}.csv"
        assert resource["schema"]["primaryKey"], name
        assert (DATA / resource["path"]).is_file(), name


def test_every_source_and_chip_column_is_a_foreign_key():
    for name, resource in RESOURCES.items():
        keys = {tuple(fk["fields"]): fk["reference"] for fk in resource["schema"].get("foreignKeys", [])}
        for field in resource["schema"]["fields"]:
            column = field["name"]
            if column.endswith("source_id") and name != "sources":
                assert keys[(column,)] == {"resource": "sources", "fields": ["source_id"]}, (name, column)
            if (column == "chip_id" and name != "chips") or column == "predecessor":
                assert keys[(column,)] == {"resource": "chips", "fields": ["chip_id"]}, (name, column)


def test_every_number_has_a_unit_and_every_field_a_description():
    for name, resource in RESOURCES.items():
        for field in resource["schema"]["fields"]:
            assert field.get("description"), (name, field["name"])
            if field["type"] == "number":
                assert field.get("unit"), (name, field["name"])
