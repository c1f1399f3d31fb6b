"""Inference of the neural NER tagger in plain numpy (no deep-learning runtime).

The network (trained with PyTorch by ``marsad train-ner``, weights exported to
``weights.npz``): per word type, the concatenation of a pretrained fastText vector of the
word and of its stem, a character CNN, small embeddings of the proclitics, the shape and
the label memory, and the gazetteer bits; a BiLSTM over the sentence; a linear layer to
BIO tag scores; Viterbi over learned CRF transitions (with BIO constraints).

Everything up to the LSTM input projection depends on the word alone and is cached per
type, so a sentence costs the LSTM recurrence (batched over the sentences of a call),
one matrix product for the tag scores and the Viterbi pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .inputs import GAZ_FLAGS, InputMaker

F32 = npt.NDArray[np.float32]
_NEG = -1e4


def _sigmoid(x: F32) -> F32:
    out: F32 = 0.5 * (np.tanh(0.5 * x) + 1.0)
    return out


def bio_constraints(tags: Sequence[str]) -> tuple[F32, F32]:
    """Transition and start penalties that forbid ``I-X`` after anything but ``B-X``/``I-X``
    and at the start of a sentence."""
    n = len(tags)
    trans = np.zeros((n, n), dtype=np.float32)
    start = np.zeros(n, dtype=np.float32)
    for j, b in enumerate(tags):
        if b.startswith("I-"):
            start[j] = _NEG
            for i, a in enumerate(tags):
                if a[2:] != b[2:]:
                    trans[i, j] = _NEG
    return trans, start


class NeuralNet:
    """The exported network: ``weights`` maps array names to arrays (see
    :func:`marsad.ner.network.export_weights`)."""

    def __init__(self, weights: Mapping[str, Any], tags: Sequence[str],
                 maker: InputMaker, cache_size: int = 60_000) -> None:
        w = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}
        self.tags = tuple(tags)
        self.maker = maker
        self.emb = w["emb"]
        self.char_emb = w["char_emb"]
        # conv weight (out, in, width) -> (width * in, out): one matmul over windows
        cw = w["conv_w"]
        self.conv_width = int(cw.shape[2])
        self.conv_w = np.ascontiguousarray(cw.transpose(2, 1, 0).reshape(-1, cw.shape[0]))
        self.conv_b = w["conv_b"]
        self.procl_emb = w["procl_emb"]
        self.shape_emb = w["shape_emb"]
        self.mem_emb = w["mem_emb"]
        self.lex_emb = w.get("lex_emb")
        hd = self.hidden = int(w["w_hh_f"].shape[1])
        # sigmoid(x) = (tanh(x / 2) + 1) / 2: the i, f, o rows are halved once here so
        # that one tanh per step serves all four gates (PyTorch order i, f, g, o)
        scale = np.full(4 * hd, 0.5, dtype=np.float32)
        scale[2 * hd:3 * hd] = 1.0
        # input projections of both directions side by side: (din, 8H)
        self.w_ih = np.ascontiguousarray(np.concatenate(
            [w["w_ih_f"] * scale[:, None], w["w_ih_b"] * scale[:, None]]).T)
        self.b_ih = np.concatenate([w["b_f"] * scale, w["b_b"] * scale])
        # recurrent weights of both directions stacked: (2, H, 4H)
        self.w_hh = np.ascontiguousarray(np.stack([(w["w_hh_f"] * scale[:, None]).T,
                                                   (w["w_hh_b"] * scale[:, None]).T]))
        self.out_w = np.ascontiguousarray(w["out_w"].T)
        self.out_b = w["out_b"]
        ct, cs = bio_constraints(self.tags)
        self.trans = w["trans"] + ct
        self.start = w["start"] + cs
        self.end = w["end"]
        # per word type: the input projection (row of ``_proj``), filled in batches
        self._rows: dict[str, int] = {}
        # (float16 keeps the cache small; row 0 is padding)
        self._proj = np.zeros((cache_size + 1, 8 * hd), dtype=np.float16)
        self._cache_size = cache_size

    # -- per word type -------------------------------------------------------------------
    def _inputs(self, words: Sequence[str]) -> F32:
        """The network inputs (n, din) of word types, computed together."""
        wis = [self.maker(w) for w in words]
        n = len(wis)
        width = self.conv_width
        pad = width // 2
        longest = max(len(wi.chars) for wi in wis)
        ids = np.zeros((n, longest + 2 * pad), dtype=np.int64)
        valid = np.zeros((n, longest), dtype=bool)
        for r, wi in enumerate(wis):
            ids[r, pad:pad + len(wi.chars)] = wi.chars
            valid[r, :len(wi.chars)] = True
        e = self.char_emb[ids]  # (n, longest + 2 pad, dc)
        windows = np.concatenate([e[:, k:k + longest] for k in range(width)], axis=2)
        h = np.maximum(windows @ self.conv_w + self.conv_b, 0.0)  # relu >= 0
        h *= valid[:, :, None]  # padding positions out of the max (values are >= 0)
        chars = h.max(axis=1)
        gaz = np.zeros((n, len(GAZ_FLAGS)), dtype=np.float32)
        for r, wi in enumerate(wis):
            gaz[r, list(wi.gaz)] = 1.0

        def col(attr: str) -> npt.NDArray[np.int64]:
            return np.fromiter((getattr(wi, attr) for wi in wis), dtype=np.int64, count=n)
        x: F32 = np.concatenate([self.emb[col("word")], self.emb[col("stem")], chars,
                                 self.procl_emb[col("procl")], self.shape_emb[col("shape")],
                                 self.mem_emb[col("memory")], gaz,
                                 *([] if self.lex_emb is None else [self.lex_emb[col("lex")]])],
                                axis=1)
        return x

    def _rows_of(self, sentences: Sequence[Sequence[str]]) -> list[list[int]]:
        """Rows of ``_proj`` for every word, projecting the types not seen before."""
        rows = self._rows
        get = rows.get
        out = [[get(w, 0) for w in s] for s in sentences]
        if all(all(r) for r in out):
            return out
        new = list(dict.fromkeys(w for s in sentences for w in s if w not in rows))
        if len(rows) + len(new) > self._cache_size:
            rows.clear()
            new = list(dict.fromkeys(w for s in sentences for w in s))
        first = len(rows) + 1
        for lo in range(0, len(new), 4096):
            chunk = new[lo:lo + 4096]
            self._proj[first + lo:first + lo + len(chunk)] = \
                self._inputs(chunk) @ self.w_ih + self.b_ih
        rows.update(zip(new, range(first, first + len(new)), strict=True))
        return [[rows[w] for w in s] for s in sentences]

    # -- sentences -----------------------------------------------------------------------
    def emissions(self, sentences: Sequence[Sequence[str]]) -> F32:
        """Tag scores (B, T, n_tags) of non-empty sentences (left-aligned, T the longest;
        the scores past a sentence's end are meaningless)."""
        rows = self._rows_of(sentences)
        b = len(rows)
        t_max = max(len(r) for r in rows)
        hd = self.hidden
        fwd = np.zeros((b, t_max), dtype=np.int64)
        bwd = np.zeros((b, t_max), dtype=np.int64)
        for k, r in enumerate(rows):
            fwd[k, :len(r)] = r
            bwd[k, :len(r)] = r[::-1]
        proj = self._proj
        # gate inputs per step and direction (T, 2, B, 4H): forward from word t,
        # backward from word len-1-t
        gates_in = np.empty((t_max, 2, b, 4 * hd), dtype=np.float32)
        gates_in[:, 0] = proj[fwd.T, :4 * hd]
        gates_in[:, 1] = proj[bwd.T, 4 * hd:]
        h = np.zeros((2, b, hd), dtype=np.float32)
        c = np.zeros((2, b, hd), dtype=np.float32)
        hs = np.empty((t_max, 2, b, hd), dtype=np.float32)
        w_hh = self.w_hh
        g = np.empty((2, b, 4 * hd), dtype=np.float32)
        sg = np.empty((2, b, 4 * hd), dtype=np.float32)
        gi, gf, gc, go = (slice(k * hd, (k + 1) * hd) for k in range(4))
        # no masks: the states past a sentence's end are never read
        for t in range(t_max):
            np.matmul(h, w_hh, out=g)
            g += gates_in[t]
            np.tanh(g, out=g)
            np.multiply(g, 0.5, out=sg)
            sg += 0.5  # i, f, o are sigmoids: (tanh(x / 2) + 1) / 2
            c *= sg[:, :, gf]
            c += sg[:, :, gi] * g[:, :, gc]
            h = np.tanh(c)
            h *= sg[:, :, go]
            hs[t] = h
        out = np.empty((b, t_max, 2 * hd), dtype=np.float32)
        out[:, :, :hd] = hs[:, 0].transpose(1, 0, 2)
        back = hs[:, 1].transpose(1, 0, 2)
        for k, r in enumerate(rows):
            n = len(r)
            out[k, :n, hd:] = back[k, n - 1::-1] if n else back[k, :0]
        em: F32 = out @ self.out_w + self.out_b
        return em

    def viterbi(self, em: F32, lengths: npt.NDArray[np.int64]) -> list[list[int]]:
        """Best tag ids of a batch of emissions (B, T, n), each row up to its length."""
        b, t_max, n = em.shape
        trans = self.trans[None]
        score = self.start + em[:, 0]
        hist = np.empty((t_max, b, n), dtype=np.float32)
        hist[0] = score
        back = np.empty((t_max, b, n), dtype=np.int64)
        for t in range(1, t_max):
            tot = score[:, :, None] + trans
            back[t] = tot.argmax(axis=1)
            score = tot.max(axis=1)
            score += em[:, t]
            hist[t] = score
        last = lengths - 1
        best = (hist[last, np.arange(b)] + self.end).argmax(axis=1).tolist()
        # back[t][row][tag] as nested lists: the walk back is plain Python
        back_l = back.transpose(1, 0, 2).tolist()
        paths = []
        for row, (cur, n_row) in enumerate(zip(best, lengths.tolist(), strict=True)):
            bk = back_l[row]
            path = [cur]
            for t in range(n_row - 1, 0, -1):
                cur = bk[t][cur]
                path.append(cur)
            path.reverse()
            paths.append(path)
        return paths

    def tag(self, sentences: Sequence[Sequence[str]], group: int = 32) -> list[list[str]]:
        """Tags of each sentence; sentences of similar length are run together in groups
        of up to ``group`` (padding costs LSTM steps)."""
        idx = sorted((i for i, s in enumerate(sentences) if s),
                     key=lambda i: len(sentences[i]))
        out: list[list[str]] = [[] for _ in sentences]
        tags = self.tags
        for lo in range(0, len(idx), group):
            part = idx[lo:lo + group]
            sents = [sentences[i] for i in part]
            em = self.emissions(sents)
            lengths = np.array([len(s) for s in sents], dtype=np.int64)
            for i, path in zip(part, self.viterbi(em, lengths), strict=True):
                out[i] = [tags[k] for k in path]
        return out
