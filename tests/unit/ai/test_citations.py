"""APA 7 and MLA 9 citations of realistic sources: who wrote them, when, and what kind of work they are."""

import datetime as dt

import pytest

from blogster_cli.ai.citations import apa, citation_formats, mla
from blogster_cli.vocabulary import ResearchSourceType as Kind

MARCH_5 = dt.date(2024, 3, 5)
SOURCES = {
    "one author, web article": (
        {"title": "Crumb structure", "url": "https://example.org/s", "author": "Baker, A.", "published": MARCH_5},
        Kind.ARTICLE,
        "Baker, A. (2024, March 5). Crumb structure. https://example.org/s",
        "Baker, A. \u201cCrumb structure.\u201d 5 Mar. 2024, https://example.org/s.",
    ),
    "organisation author, no date": (
        {"title": "Healthy diet", "url": "https://www.who.int/diet", "author": "World Health Organization",
         "published": None},
        Kind.OTHER,
        "World Health Organization. (n.d.). Healthy diet. https://www.who.int/diet",
        "World Health Organization. \u201cHealthy diet.\u201d https://www.who.int/diet.",
    ),
    "organisation with and in its name": (
        {"title": "Flu season", "url": "https://www.cdc.gov/flu",
         "author": "Centers for Disease Control and Prevention", "published": dt.date(2023, 9, 28)},
        Kind.ARTICLE,
        "Centers for Disease Control and Prevention. (2023, September 28). Flu season. https://www.cdc.gov/flu",
        "Centers for Disease Control and Prevention. \u201cFlu season.\u201d 28 Sept. 2023, https://www.cdc.gov/flu.",
    ),
    "two authors typed with and": (
        {"title": "Wild yeast", "url": "https://example.org/y", "author": "Jane Doe and Bob Roe", "published": MARCH_5},
        Kind.ARTICLE,
        "Doe, J., & Roe, B. (2024, March 5). Wild yeast. https://example.org/y",
        "Doe, Jane, and Bob Roe. \u201cWild yeast.\u201d 5 Mar. 2024, https://example.org/y.",
    ),
    "three authors, a study: APA gives the year": (
        {"title": "Hydration and crumb", "url": "https://doi.org/10.1000/xyz",
         "author": "Jane Ann Doe, Bob Roe, and Ann Lee", "published": dt.date(2021, 6, 1)},
        Kind.STUDY,
        "Doe, J. A., Roe, B., & Lee, A. (2021). Hydration and crumb. https://doi.org/10.1000/xyz",
        "Doe, Jane Ann, et al. \u201cHydration and crumb.\u201d 1 June 2021, https://doi.org/10.1000/xyz.",
    ),
    "no author: the title leads": (
        {"title": "Sourdough starters", "url": "https://example.org/st", "author": None, "published": MARCH_5},
        Kind.ARTICLE,
        "Sourdough starters. (2024, March 5). https://example.org/st",
        "\u201cSourdough starters.\u201d 5 Mar. 2024, https://example.org/st.",
    ),
    "title ending in ?": (
        {"title": "Is rye bread safe?", "url": "https://example.org/rye", "author": "Doe, Jane", "published": None},
        Kind.ARTICLE,
        "Doe, J. (n.d.). Is rye bread safe? https://example.org/rye",
        "Doe, Jane. \u201cIs rye bread safe?\u201d https://example.org/rye.",
    ),
    "no author, title ending in !": (
        {"title": "Bake it now!", "url": "https://example.org/now", "author": "", "published": None},
        Kind.ARTICLE,
        "Bake it now! (n.d.). https://example.org/now",
        "\u201cBake it now!\u201d https://example.org/now.",
    ),
    "book: year only, title not quoted": (
        {"title": "Flour water salt yeast", "url": "https://example.org/fwsy", "author": "Forkish, Ken",
         "published": dt.date(2012, 9, 18)},
        Kind.BOOK,
        "Forkish, K. (2012). Flour water salt yeast. https://example.org/fwsy",
        "Forkish, Ken. Flour water salt yeast. 2012, https://example.org/fwsy.",
    ),
    "video": (
        {"title": "Shaping a batard", "url": "https://video.example/v1", "author": "Jane Doe & Bob Roe",
         "published": MARCH_5},
        Kind.VIDEO,
        "Doe, J., & Roe, B. (2024, March 5). Shaping a batard [Video]. https://video.example/v1",
        "Doe, Jane, and Bob Roe. \u201cShaping a batard.\u201d 5 Mar. 2024, https://video.example/v1.",
    ),
    "podcast episode without author, title ending in ?": (
        {"title": "Why does bread stale?", "url": "https://pod.example/42", "author": None, "published": MARCH_5},
        Kind.PODCAST,
        "Why does bread stale? [Audio podcast episode]. (2024, March 5). https://pod.example/42",
        "\u201cWhy does bread stale?\u201d 5 Mar. 2024, https://pod.example/42.",
    ),
    "statistics from an agency": (
        {"title": "Wheat production", "url": "https://www.fao.org/faostat",
         "author": "Food and Agriculture Organization", "published": dt.date(2023, 12, 1)},
        Kind.STATISTICS,
        "Food and Agriculture Organization. (2023). Wheat production [Data set]. https://www.fao.org/faostat",
        "Food and Agriculture Organization. Wheat production. 1 Dec. 2023, https://www.fao.org/faostat.",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("source", "kind", "want_apa", "want_mla"), SOURCES.values(), ids=SOURCES.keys())
def test_citations_follow_apa_7_and_mla_9(source, kind, want_apa, want_mla):
    assert apa(**source, kind=kind) == want_apa
    assert mla(**source, kind=kind) == want_mla
    assert citation_formats(**source, kind=kind) == {"apa": want_apa, "mla": want_mla}


AUTHORS = {
    "Jane Doe": ("Doe, J.", "Doe, Jane"),
    "Doe, Jane": ("Doe, J.", "Doe, Jane"),
    "Doe, J. A.": ("Doe, J. A.", "Doe, J. A."),
    "Doe, J.A.": ("Doe, J. A.", "Doe, J.A."),
    "Jean-Paul Sartre": ("Sartre, J.-P.", "Sartre, Jean-Paul"),
    "Plato": ("Plato", "Plato"),
    "The New York Times": ("The New York Times", "The New York Times"),
    "Jane Doe, Bob Roe": ("Doe, J., & Roe, B.", "Doe, Jane, and Bob Roe"),
    "Jane Doe & Bob Roe": ("Doe, J., & Roe, B.", "Doe, Jane, and Bob Roe"),
    "Doe, J., & Roe, B.": ("Doe, J., & Roe, B.", "Doe, J., and B. Roe"),
    "Doe, Jane and Roe, Bob": ("Doe, J., & Roe, B.", "Doe, Jane, and Bob Roe"),
    "Doe, Jane, and Bob Roe": ("Doe, J., & Roe, B.", "Doe, Jane, and Bob Roe"),
    "Doe, Jane; Roe, Bob; Lee, Ann": ("Doe, J., Roe, B., & Lee, A.", "Doe, Jane, et al."),
    "Doe, J., Roe, B., Lee, A.": ("Doe, J., Roe, B., & Lee, A.", "Doe, J., et al."),
    "Jane Doe; World Health Organization": ("Doe, J., & World Health Organization", "Doe, Jane, and World Health Organization"),
    "Bill & Melinda Gates Foundation": ("Bill & Melinda Gates Foundation", "Bill & Melinda Gates Foundation"),
    "Jane Doe et al.": ("Doe, J., et al.", "Doe, Jane, et al."),
    "Vincent van Gogh and Charles de Gaulle": ("van Gogh, V., & de Gaulle, C.", "van Gogh, Vincent, and Charles de Gaulle"),
    "Beethoven, Ludwig van": ("van Beethoven, L.", "van Beethoven, Ludwig"),
    "Martin Luther King Jr.": ("King, M. L., Jr.", "King, Martin Luther, Jr."),
    "King, Martin Luther, Jr.; Rosa Parks": ("King, M. L., Jr., & Parks, R.", "King, Martin Luther, Jr., and Rosa Parks"),
    "García Márquez, Gabriel": ("García Márquez, G.", "García Márquez, Gabriel"),
}  # fmt: skip


@pytest.mark.parametrize(("typed", "want"), AUTHORS.items(), ids=AUTHORS.keys())
def test_author_lists_as_people_type_them(typed, want):
    apa_authors, mla_authors = want
    title_and_after = " (n.d.). T. https://e.org"
    assert (
        apa(title="T", url="https://e.org", author=typed, published=None)
        == f"{apa_authors.rstrip('.')}.{title_and_after}"
    )
    assert (
        mla(title="T", url="https://e.org", author=typed, published=None)
        == f"{mla_authors.rstrip('.')}. \u201cT.\u201d https://e.org."
    )


def test_apa_lists_the_first_19_of_more_than_20_authors_then_the_last():
    typed = "; ".join(f"Author{i}, A." for i in range(1, 23))
    cited = apa(title="T", url=None, author=typed, published=None)
    shown = ", ".join(f"Author{i}, A." for i in range(1, 20))
    assert cited == f"{shown}, . . . Author22, A. (n.d.). T."


def test_a_name_ending_in_many_suffixes_is_read_without_recursing_once_each():
    """2,000 "Jr." after a name took one call each (RecursionError, red team 72): the last is shown."""
    typed = "Jane Doe " + "Jr. " * 2000
    assert citation_formats(title="T", url=None, author=typed, published=None, kind=Kind.ARTICLE)["apa"].startswith(
        "Doe, J., Jr. (n.d.)."
    )
