"""An evaluation set for documentation search, made from any markdown folder the same way.

    python bench/docs_eval.py DIR [--out FILE] [--seed 15]

Nothing here knows one corpus: the queries come from the structure every documentation
set has, chosen by rules fixed before looking at results (see bench/docs_eval/README.md):

- heading: a section heading (level 2-4, outside code) whose text occurs as a heading on
  exactly one page -> that page (grade 2). A known-item query, as the issue asks.
- title: a page title no other page has -> that page (grade 2).
- content: a simulated known-item query (Azzopardi, de Rijke & Balog, SIGIR 2007): a prose
  paragraph of a random page, its 3-4 most discriminative words (highest IDF, no stop
  words), in the paragraph's order -> that page (grade 2).
Every page that links to the target page is related (grade 1).

Query text is cleaned the same way for both rankers (letters, digits, `.`, `_`, `-` and
spaces), so no query uses search syntax neither side was asked to understand.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import random
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from blogster_cli.documentation import links, tree

HEADINGS_WANTED, TITLES_WANTED, CONTENT_WANTED = 20, 10, 20
STOP_WORDS = frozenset(
    "a about above after again against all am an and any are as at be because been before being below between both"
    " but by can could did do does doing down during each few for from further had has have having he her here hers"
    " him his how i if in into is it its itself just let me more most my no nor not now of off on once only or other"
    " our out over own same she should so some such than that the their them then there these they this those"
    " through to too under until up use used using very was we were what when where which while who whom why will"
    " with would you your yours also may might must new one two get set see like make way".split()
)
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^ {0,3}(#{2,4})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]")
_NOT_QUERY = re.compile(r"[^\w.\- ]+")
TOKEN = re.compile(r"[a-z0-9]+")


@dataclass
class Query:
    id: str
    kind: str
    text: str
    relevant: dict[str, int]  # source path -> grade


def clean(text: str) -> str:
    """Markdown out (links keep their text), then only letters, digits, `.`, `_`, `-` and single spaces."""
    text = html.unescape(text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _NOT_QUERY.sub(" ", text.replace("`", " "))
    words = [w.strip(".-_") for w in text.split()]
    return " ".join(w for w in words if w)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def prose_paragraphs(body: str) -> list[str]:
    """Paragraphs of running text: no code, headings, tables, lists, admonitions or HTML."""
    text = _FENCE.sub("", body)
    found = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block or block[0] in "#|-*<>!=:+`{" or block[:2].isdigit() or block.startswith("    "):
            continue
        if len(tokens(block)) >= 12:
            found.append(block)
    return found


def build(root: Path, seed: int = 15) -> list[Query]:
    pages = tree.read_tree(root).pages
    rng = random.Random(seed)
    document_frequency = Counter(w for p in pages for w in set(tokens(p.title + " " + p.body)))
    idf = {w: math.log(len(pages) / n) for w, n in document_frequency.items()}
    index = links.PageIndex.of((p.slug, p.path) for p in pages)
    by_key = {}
    for page in pages:
        by_key[page.slug] = page.path
        by_key[links.resolve("/" + page.path, page_path=None)] = page.path
    linked_from: dict[str, set[str]] = {}
    for page in pages:
        for target in links.internal_targets(page.body):
            key = links.resolve(target, page_path=page.path)
            if index.resolves(key) and by_key.get(key.rstrip("/")) not in (None, page.path):
                linked_from.setdefault(by_key[key.rstrip("/")], set()).add(page.path)

    def judged(path: str) -> dict[str, int]:
        return {**{source: 1 for source in linked_from.get(path, ())}, path: 2}

    queries: list[Query] = []
    seen_texts: set[str] = set()

    def add(kind: str, text: str, path: str) -> bool:
        key = " ".join(tokens(text))
        if not key or key in seen_texts:
            return False
        seen_texts.add(key)
        queries.append(Query(f"{kind}-{len([q for q in queries if q.kind == kind]) + 1}", kind, text, judged(path)))
        return True

    headings: dict[str, set[str]] = {}
    heading_text: dict[tuple[str, str], str] = {}
    for page in pages:
        for match in _HEADING.finditer(_FENCE.sub("", page.body)):
            text = clean(match.group(2))
            key = " ".join(tokens(text))
            if 2 <= len(key.split()) <= 8 and any(w not in STOP_WORDS for w in key.split()):
                headings.setdefault(key, set()).add(page.path)
                heading_text[(key, page.path)] = text
    unique_headings = sorted((key, next(iter(paths))) for key, paths in headings.items() if len(paths) == 1)
    rng.shuffle(unique_headings)
    for key, path in unique_headings:
        if len([q for q in queries if q.kind == "heading"]) >= HEADINGS_WANTED:
            break
        add("heading", heading_text[(key, path)], path)

    titles = Counter(" ".join(tokens(p.title)) for p in pages)
    title_pages = [p for p in pages if titles[" ".join(tokens(p.title))] == 1]
    rng.shuffle(title_pages)
    for page in title_pages:
        if len([q for q in queries if q.kind == "title"]) >= TITLES_WANTED:
            break
        add("title", clean(page.title), page.path)

    candidates = [(p, para) for p in pages for para in prose_paragraphs(p.body)]
    rng.shuffle(candidates)
    used_pages: set[str] = set()
    for page, paragraph in candidates:
        if len([q for q in queries if q.kind == "content"]) >= CONTENT_WANTED:
            break
        if page.path in used_pages:
            continue
        words = [w for w in dict.fromkeys(tokens(clean(paragraph))) if w not in STOP_WORDS and len(w) >= 3]
        if len(words) < 6:
            continue
        size = rng.choice((3, 4))
        chosen = set(sorted(words, key=lambda w: (-idf.get(w, 0.0), w))[:size])
        if add("content", " ".join(w for w in words if w in chosen), page.path):
            used_pages.add(page.path)
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="write the queries as JSON here (default: stdout)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    queries = [asdict(q) for q in build(args.folder, args.seed)]
    text = json.dumps({"folder": args.folder.name, "seed": args.seed, "queries": queries}, indent=1) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
