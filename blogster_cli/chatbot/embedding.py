"""Sentence vectors from WordLlama's static token embeddings, which ship inside the `wordllama`
wheel (16 MB, 256 dimensions): loaded from the installed package only, never downloaded."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogster_cli.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


@cache
def _model() -> Any:
    """The WordLlama inference object, read from the package's own files (wordllama's loader
    looks for the tokenizer in a folder the wheel does not have, then tries the network)."""
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    if not (root / WEIGHTS).is_file() or not (root / TOKENIZER).is_file():
        raise ConfigError("the wordllama package has no bundled model: reinstall blogster-cli")
    with safe_open(str(root / WEIGHTS), framework="np", device="cpu") as weights:
        table = weights.get_tensor("embedding.weight")
    return WordLlamaInference(table, Tokenizer.from_file(str(root / TOKENIZER)))


def embed(texts: list[str]) -> np.ndarray:
    """One unit-length float32 row per text."""
    import numpy as np

    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    return np.asarray(_model().embed(texts, norm=True), dtype=np.float32)
