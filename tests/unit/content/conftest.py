"""Fixtures for the content tests: the real corpora and the examples, imported once per session.

The corpora live in `shared/data/blog_md/` beside the repository; tests that need them are
skipped, saying so, when that folder is absent.
"""

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

from blogster_cli.content.errors import ContentError
from blogster_cli.content.post import ImportedPost, find_markdown_files, import_post, read_text_file

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA_ROOT = (REPO_ROOT / ".." / "shared" / "data" / "blog_md").resolve()
EXAMPLES_ROOT = REPO_ROOT / "examples" / "posts"


@dataclass
class CorpusFile:
    path: PurePosixPath
    data: bytes
    text: str
    post: ImportedPost | None
    error: ContentError | None


def load_corpus(root: Path) -> list[CorpusFile]:
    files = []
    for relative in find_markdown_files(root):
        data = (root / relative).read_bytes()
        text = read_text_file(root / relative)
        try:
            files.append(CorpusFile(relative, data, text, import_post(text, relative), None))
        except ContentError as error:
            files.append(CorpusFile(relative, data, text, None, error))
    return files


def corpus_root(name: str) -> Path:
    root = DATA_ROOT / name
    if not root.is_dir():
        pytest.skip(f"real corpus {root} is absent (it lives in shared/data beside the repo)")
    return root


@pytest.fixture(scope="session")
def jekyll_corpus() -> list[CorpusFile]:
    return load_corpus(corpus_root("18f-jekyll"))


@pytest.fixture(scope="session")
def zola_corpus() -> list[CorpusFile]:
    return load_corpus(corpus_root("rust-blog-zola"))


@pytest.fixture(scope="session", params=["18f-jekyll", "rust-blog-zola"])
def corpus(request: pytest.FixtureRequest) -> tuple[str, list[CorpusFile]]:
    fixture = "jekyll_corpus" if request.param == "18f-jekyll" else "zola_corpus"
    return request.param, request.getfixturevalue(fixture)


@pytest.fixture(scope="session")
def example_files() -> list[CorpusFile]:
    return load_corpus(EXAMPLES_ROOT)
