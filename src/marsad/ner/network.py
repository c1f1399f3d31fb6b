"""The NER network in PyTorch, for training only (the ``[train]`` extra).

Same layout as the numpy inference in :mod:`marsad.ner.neural`, which reads the arrays
:func:`export_weights` writes. PyTorch is imported by whoever imports this module (the
trainer), never by the tagger.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from .inputs import GAZ_FLAGS, WordInputs


class CRF(nn.Module):
    """Linear-chain CRF negative log-likelihood (the Viterbi is in numpy)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.trans = nn.Parameter(torch.zeros(n, n))
        self.start = nn.Parameter(torch.zeros(n))
        self.end = nn.Parameter(torch.zeros(n))

    def nll(self, em: torch.Tensor, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        length = em.shape[1]
        score = self.start[y[:, 0]] + em[:, 0].gather(1, y[:, :1]).squeeze(1)
        alpha = self.start + em[:, 0]
        for t in range(1, length):
            m = mask[:, t]
            step = self.trans[y[:, t - 1], y[:, t]] + em[:, t].gather(1, y[:, t:t + 1]).squeeze(1)
            score = score + torch.where(m, step, torch.zeros_like(score))
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.trans.unsqueeze(0), dim=1) + em[:, t]
            alpha = torch.where(m.unsqueeze(1), nxt, alpha)
        lens = mask.sum(1)
        last = y.gather(1, (lens - 1).unsqueeze(1)).squeeze(1)
        score = score + self.end[last]
        log_z = torch.logsumexp(alpha + self.end, dim=1)
        return (log_z - score).sum()


class Net(nn.Module):
    def __init__(self, emb: np.ndarray[Any, Any], n_chars: int, n_procl: int, n_shapes: int,
                 n_memory: int, n_lex: int, n_tags: int, p: dict[str, Any]) -> None:
        super().__init__()
        self.emb = nn.Embedding.from_pretrained(  # type: ignore[no-untyped-call]
            torch.tensor(emb, dtype=torch.float32), freeze=True)
        self.char_emb = nn.Embedding(n_chars, int(p["char_dim"]), padding_idx=0)
        self.conv = nn.Conv1d(int(p["char_dim"]), int(p["char_filters"]),
                              int(p["char_width"]), padding=int(p["char_width"]) // 2)
        self.procl_emb = nn.Embedding(n_procl, int(p["small_dim"]))
        self.shape_emb = nn.Embedding(n_shapes, int(p["small_dim"]))
        self.mem_emb = nn.Embedding(n_memory, int(p["memory_dim"]))
        self.lex_dim = int(p.get("lex_dim", 0))
        self.word_dropout = float(p.get("word_dropout", 0.0))
        if self.lex_dim:
            self.lex_emb = nn.Embedding(n_lex, self.lex_dim, padding_idx=0)
        din = (2 * emb.shape[1] + int(p["char_filters"]) + 2 * int(p["small_dim"])
               + int(p["memory_dim"]) + len(GAZ_FLAGS) + self.lex_dim)
        self.drop = nn.Dropout(float(p["dropout"]))
        self.lstm = nn.LSTM(din, int(p["hidden"]), batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * int(p["hidden"]), n_tags)
        self.crf = CRF(n_tags)

    def emissions(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        ch = batch["chars"]
        b, length, c = ch.shape
        x = self.char_emb(ch.view(b * length, c)).transpose(1, 2)
        x = torch.relu(self.conv(x))
        # the numpy side max-pools over the word's characters only (no padding)
        x = x.masked_fill(ch.view(b * length, 1, c) == 0, float("-inf")).max(2).values
        x = torch.where(torch.isinf(x), torch.zeros_like(x), x).view(b, length, -1)
        feats = torch.cat([self.emb(batch["word"]), self.emb(batch["stem"]), x,
                           self.procl_emb(batch["procl"]), self.shape_emb(batch["shape"]),
                           self.mem_emb(batch["memory"]), batch["gaz"],
                           *self._lex(batch["lex"])], -1)
        feats = self.drop(feats)
        lens = batch["mask"].sum(1)
        packed = nn.utils.rnn.pack_padded_sequence(feats, lens, batch_first=True,
                                                   enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=length)
        out: torch.Tensor = self.out(self.drop(h))
        return out

    def _lex(self, lex: torch.Tensor) -> list[torch.Tensor]:
        if not self.lex_dim:
            return []
        if self.training and self.word_dropout > 0:
            keep = torch.rand(lex.shape) >= self.word_dropout
            lex = lex * keep
        return [self.lex_emb(lex)]

    def loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.crf.nll(self.emissions(batch), batch["tags"], batch["mask"])


def make_batch(items: Sequence[tuple[Sequence[WordInputs], Sequence[int]]]
               ) -> dict[str, torch.Tensor]:
    length = max(len(x) for x, _ in items)
    width = max(1, max(len(w.chars) for x, _ in items for w in x))
    b = len(items)
    arrays = {k: np.zeros((b, length), dtype=np.int64)
              for k in ("word", "stem", "procl", "shape", "memory", "lex", "tags")}
    chars = np.zeros((b, length, width), dtype=np.int64)
    gaz = np.zeros((b, length, len(GAZ_FLAGS)), dtype=np.float32)
    mask = np.zeros((b, length), dtype=bool)
    for r, (x, y) in enumerate(items):
        for i, w in enumerate(x):
            arrays["word"][r, i] = w.word
            arrays["stem"][r, i] = w.stem
            arrays["procl"][r, i] = w.procl
            arrays["shape"][r, i] = w.shape
            arrays["memory"][r, i] = w.memory
            arrays["lex"][r, i] = w.lex
            chars[r, i, :len(w.chars)] = w.chars
            gaz[r, i, list(w.gaz)] = 1.0
        arrays["tags"][r, :len(y)] = y
        mask[r, :len(y)] = True
    out = {k: torch.from_numpy(v) for k, v in arrays.items()}
    out["chars"] = torch.from_numpy(chars)
    out["gaz"] = torch.from_numpy(gaz)
    out["mask"] = torch.from_numpy(mask)
    return out


def export_weights(net: Net) -> dict[str, np.ndarray[Any, Any]]:
    """The arrays :class:`marsad.ner.neural.NeuralNet` reads (float32, embeddings apart)."""
    def a(t: Any) -> np.ndarray[Any, Any]:
        return np.asarray(t.detach().cpu().numpy(), dtype=np.float32)
    lstm: Any = net.lstm
    extra = {"lex_emb": a(net.lex_emb.weight)} if net.lex_dim else {}
    return {
        **extra,
        "char_emb": a(net.char_emb.weight), "conv_w": a(net.conv.weight),
        "conv_b": a(net.conv.bias), "procl_emb": a(net.procl_emb.weight),
        "shape_emb": a(net.shape_emb.weight), "mem_emb": a(net.mem_emb.weight),
        "w_ih_f": a(lstm.weight_ih_l0), "w_hh_f": a(lstm.weight_hh_l0),
        "b_f": a(lstm.bias_ih_l0 + lstm.bias_hh_l0),
        "w_ih_b": a(lstm.weight_ih_l0_reverse), "w_hh_b": a(lstm.weight_hh_l0_reverse),
        "b_b": a(lstm.bias_ih_l0_reverse + lstm.bias_hh_l0_reverse),
        "out_w": a(net.out.weight), "out_b": a(net.out.bias),
        "trans": a(net.crf.trans), "start": a(net.crf.start), "end": a(net.crf.end),
    }
