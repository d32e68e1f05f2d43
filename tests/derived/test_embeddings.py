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
    code = ("from foresight.derived.embeddings import encoder; "
            "print(encoder().encode(['offline']).shape)")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(1, 384)" in result.stdout
    assert not (tmp_path / "hf").exists() or not any((tmp_path / "hf").rglob("*.safetensors"))


def test_switched_off_it_is_lexical_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORESIGHT_SEMANTIC", "off")
    assert encoder() is None
    assert mode().startswith("lexical")
