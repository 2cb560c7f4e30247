import datetime as dt

from blogster_cli.ai.citations import apa, mla


def test_apa_and_mla():
    when = dt.date(2024, 3, 5)
    args = {"title": "Crumb structure", "url": "https://example.org/s", "author": "Baker, A.", "published": when}
    assert apa(**args) == "Baker, A. (2024, March 5). Crumb structure. https://example.org/s"
    assert mla(**args) == "Baker, A. \u201cCrumb structure.\u201d 5 Mar. 2024, https://example.org/s."
    assert apa(title="T", url=None, author=None, published=None) == "(n.d.). T."
    assert mla(title="T", url=None, author=None, published=None) == "\u201cT.\u201d"
