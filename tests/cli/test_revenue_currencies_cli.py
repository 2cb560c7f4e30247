"""`revenue import` of a file whose figures are in several currencies (an Amazon.de and an Amazon.com
report pasted together: `12,50 €`, `$3.10`) stored and added them up as one, silently: the report's
total mixed euros and dollars. Figures are kept without a currency, so the import warns, naming
them; a file in one currency, by its cells or a Currency column, says nothing."""

from __future__ import annotations

MIXED = (
    "Date;Provider;Type;Commission;Reference\n"
    '2026-12-01;Amazon.de;affiliate;"12,50 €";DE-1\n'
    '2026-12-01;Amazon.com;affiliate;"$3,10";US-1\n'
    '2026-12;AdSense;ad;"GBP 7,00";\n'
)
ONE = "Date,Type,Earnings,Currency\n2026-12-01,ad,10.00,usd\n2026-12-02,ad,$5.00,USD\n2026-12-03,ad,2.50,\n"


def test_several_currencies_in_one_file_are_named_in_a_warning(cli, signed_up, tmp_path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(MIXED, encoding="utf-8")
    result = cli("revenue", "import", str(mixed), "--json")
    assert result.exit_code == 0, result.stderr
    warning = (
        "this file's revenue is in 3 currencies (EUR, GBP, USD): it is stored and added up as written, without"
        " them; convert the figures to one currency and import the file again"
    )
    assert result.json()["warnings"] == [warning] and result.json()["inserted"] == 3
    shown = cli("revenue", "import", str(mixed))
    assert f"warning: {warning}\n" in shown.stderr

    one = tmp_path / "one.csv"
    one.write_text(ONE, encoding="utf-8")
    plain = cli("revenue", "import", str(one), "--json")
    assert plain.exit_code == 0, plain.stderr
    assert plain.json()["warnings"] == [] and plain.json()["inserted"] == 3
