"""blogster images add: an SVG that could run code on the site's domain is refused in one line."""


def test_an_svg_with_script_is_refused_with_exit_2_and_nothing_is_attached(cli, signed_up, tmp_path):
    assert cli("blogs", "new", "Drawn", "--status", "published", input="Words here.\n").exit_code == 0
    evil = tmp_path / "evil.svg"
    evil.write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>')
    result = cli("images", "add", "drawn", str(evil), "--featured")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "SVG that could run code" in result.stderr
    assert cli("images", "list", "--json").json() == []
    plain = tmp_path / "plain.svg"
    plain.write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    assert cli("images", "add", "drawn", str(plain), "--featured").exit_code == 0


def test_an_svg_importing_a_stylesheet_is_refused_with_exit_2(cli, signed_up, tmp_path):
    """`@import` in its CSS loads a stylesheet from elsewhere, unchecked, as `<?xml-stylesheet?>` would."""
    assert cli("blogs", "new", "Drawn", "--status", "published", input="Words here.\n").exit_code == 0
    styled = tmp_path / "styled.svg"
    styled.write_text('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(//evil.example/x.css);</style></svg>')
    result = cli("images", "add", "drawn", str(styled))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {styled} is an SVG that could run code (stylesheet imported in a <style> element):"
        " only plain pictures are accepted"
    ]
    assert cli("images", "list", "--json").json() == []
