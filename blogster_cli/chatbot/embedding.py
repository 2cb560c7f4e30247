"""Sentence vectors from WordLlama's static token embeddings, which ship inside the `wordllama`
wheel (16 MB, 256 dimensions): loaded from the installed package only, never downloaded."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogster_cli.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
WORD_START = "\u2581"  # the tokenizer's mark of a token that begins a word


def _import_wordllama() -> Any:
    """wordllama's modules call logging.basicConfig(level=INFO) on import, which would print every
    library's INFO lines (procrastinate's per job, the HTTP client's per request) to stderr: the
    root logger's handlers and level are put back as they were."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        import wordllama
        import wordllama.inference
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return wordllama


@cache
def _model() -> Any:
    """The WordLlama inference object, read from the package's own files (wordllama's loader
    looks for the tokenizer in a folder the wheel does not have, then tries the network)."""
    from safetensors import safe_open
    from tokenizers import Tokenizer

    wordllama = _import_wordllama()
    WordLlamaInference = wordllama.inference.WordLlamaInference

    root = Path(wordllama.__file__).parent
    if not (root / WEIGHTS).is_file() or not (root / TOKENIZER).is_file():
        raise ConfigError("the wordllama package has no bundled model: reinstall blogster-cli")
    with safe_open(str(root / WEIGHTS), framework="np", device="cpu") as weights:
        table = weights.get_tensor("embedding.weight")
    return WordLlamaInference(table, Tokenizer.from_file(str(root / TOKENIZER)))


def vocabulary_words() -> list[str]:
    """The lowercase English-looking whole words (4+ letters) of the model's tokenizer, in its order."""
    vocabulary = _model().tokenizer.get_vocab()
    words = (token[1:] for token in sorted(vocabulary, key=vocabulary.__getitem__) if token.startswith(WORD_START))
    return [w for w in words if len(w) >= 4 and w.isascii() and w.isalpha() and w.islower()]


def embed(texts: list[str]) -> np.ndarray:
    """One unit-length float32 row per text."""
    import numpy as np

    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    return np.asarray(_model().embed(texts, norm=True), dtype=np.float32)
