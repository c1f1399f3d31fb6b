"""Training the neural NER tagger and writing the shipped model directory.

Steps (``marsad train-ner``): fastText word vectors on unlabelled news (ANT v2.1 plus the
training words; reused when a build with the same parameters exists), the gazetteer, the
label memory, then the network (BiLSTM-CRF over word, stem, character, memory and
gazetteer inputs) trained with PyTorch on CPU and exported to numpy arrays.

The label memory (how often a word was an entity of each type in the training data) is
jackknifed for the training inputs: the training sentences are cut into
``memory_folds`` contiguous folds and each fold's memory comes from the other folds only,
so the network learns how far to trust it on words it has *not* seen in context; the
shipped memory uses all the training data.

gensim and PyTorch are the ``[train]`` extra and are imported only here (inside the
functions); tagging needs numpy alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..resources import load_lexicon
from ..text.normalize import normalize_key
from ..text.tokenize import Tokenizer
from .conll import read_conll, score_spans
from .inputs import InputMaker, Vocabs, memory_key, shape, split_word
from .resources_io import load_gazetteer, write_memory

Sentence = list[tuple[str, str]]

#: the tag set, in the order of the network's outputs
TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")

DEFAULT_PARAMS: dict[str, Any] = {
    "hidden": 128,
    "char_dim": 32,
    "char_filters": 64,
    "char_width": 3,
    "small_dim": 8,
    "memory_dim": 16,
    "lex_dim": 32,  # trained embeddings of the training words seen lex_min_count times
    "lex_min_count": 2,
    "word_dropout": 0.25,  # share of training tokens whose trained embedding is hidden
    "dropout": 0.5,
    "lr": 2e-3,
    "lr_final": 0.1,  # the learning rate decays linearly to this share of ``lr``
    "batch_size": 32,
    "epochs": 25,
    "memory_folds": 10,
    "memory_min_count": 1,
    "threads": 2,
}

EMBEDDING_PARAMS: dict[str, Any] = {"dim": 100, "window": 5, "epochs": 5, "min_count": 3,
                                    "min_n": 2, "max_n": 5, "bucket": 500_000, "seed": 0}


def build_memory(sentences: Sequence[Sentence], min_count: int = 1
                 ) -> dict[str, tuple[str, ...]]:
    """word -> memory features: the majority label type (if it covers half the
    occurrences), a bucket of how often the word was inside any entity and whether it
    mostly began the entity."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    pos: Counter[str] = Counter()  # how often the word began an entity
    for sent in sentences:
        for word, tag in sent:
            typ = tag[2:] if tag != "O" else "O"
            key = normalize_key(word)
            counts[key][typ] += 1
            if tag.startswith("B-"):
                pos[key] += 1
    out: dict[str, tuple[str, ...]] = {}
    for key, c in counts.items():
        total = sum(c.values())
        if total < min_count:
            continue
        ent = total - c["O"]
        frac = ent / total
        bucket = "0" if ent == 0 else "lo" if frac < 0.3 else "mid" if frac < 0.7 else "hi"
        feats = ["e" + bucket]
        typ, n = max(((t, k) for t, k in c.items() if t != "O"), key=lambda x: (x[1], x[0]),
                     default=("O", 0))
        if n and n * 2 >= ent:
            feats.append("t" + typ)
        if ent:
            b = pos[key]
            feats.append("posB" if b >= 0.8 * ent else "posI" if b <= 0.2 * ent else "posM")
        if total == 1:
            feats.append("once")
        out[key] = tuple(feats)
    return out


def _folds(n: int, k: int) -> list[tuple[int, int]]:
    k = max(1, min(k, n))
    bounds = [round(i * n / k) for i in range(k + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(k)]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- word vectors -----------------------------------------------------------------------

def build_embeddings(out: Path, corpus: Path, extra: Sequence[Sequence[str]] = (),
                     **params: Any) -> dict[str, Any]:
    """fastText (gensim, skip-gram, one worker, fixed seed: deterministic) on the
    normalised tokens of ``corpus`` and ``extra``; writes ``out`` (``.npz``: ``words`` and
    unit-length float16 ``vectors``, row 0 the zero "unknown" vector)."""
    import numpy as np
    from gensim.models import FastText

    from .corpus import iter_corpus_sentences, stable_hash

    p = {**EMBEDDING_PARAMS, **params}
    sentences = list(iter_corpus_sentences(corpus, extra))
    model = FastText(sentences=sentences, vector_size=int(p["dim"]), window=int(p["window"]),
                     min_count=int(p["min_count"]), sg=1, negative=5, sample=1e-4,
                     epochs=int(p["epochs"]), workers=1, seed=int(p["seed"]),
                     min_n=int(p["min_n"]), max_n=int(p["max_n"]), bucket=int(p["bucket"]),
                     hashfxn=stable_hash)
    words = ["", *model.wv.index_to_key]
    vecs = np.zeros((len(words), int(p["dim"])), dtype=np.float32)
    vecs[1:] = model.wv.vectors[:len(words) - 1]
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-6)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        np.savez_compressed(fh, words=np.array(words), vectors=vecs.astype(np.float16))
    return {"sentences": len(sentences), "tokens": sum(len(s) for s in sentences),
            "words": len(words) - 1, **p}


def ensure_embeddings(path: Path, corpus: Path, extra: Sequence[Sequence[str]], *,
                      rebuild: bool = False) -> dict[str, Any]:
    """Build ``path`` unless it exists with the same parameters (recorded in
    ``embeddings.json`` beside it, which also keeps the build summary)."""
    info_path = path.with_suffix(".json")
    wanted = {"corpus": corpus.name, **EMBEDDING_PARAMS}
    if path.is_file() and info_path.is_file() and not rebuild:
        info: dict[str, Any] = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("params") == wanted and info.get("sha256") == _sha256(path):
            info["reused"] = True
            return info
    t0 = time.time()
    summary = build_embeddings(path, corpus, extra)
    info = {"params": wanted, "summary": summary, "sha256": _sha256(path),
            "seconds": round(time.time() - t0, 1)}
    info_path.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    info["reused"] = False
    return info


# -- the network ------------------------------------------------------------------------

def _vocabs(words: Sequence[str], train: Sequence[Sentence], tokenizer: Tokenizer,
            memories: Sequence[Mapping[str, tuple[str, ...]]], lex_min_count: int) -> Vocabs:
    chars = Counter(c for s in train for w, _ in s for c in normalize_key(w))
    procl = {split_word(tokenizer, normalize_key(w) or w)[0] for s in train for w, _ in s}
    shapes = {shape(w) for s in train for w, _ in s}
    mem = {memory_key(v) for m in memories for v in m.values()} - {"unseen"}
    keys = Counter(normalize_key(w) for s in train for w, _ in s)
    return Vocabs.from_lists(words, {
        "chars": ["", "<unk>", *sorted(c for c, n in chars.items() if n >= 2)],
        "procl": ["", *sorted(p for p in procl if p)],
        "shapes": ["", *sorted(shapes)],
        "memory": ["", "unseen", *sorted(mem)],
        "lex": ["", *sorted(k for k, n in keys.items() if n >= lex_min_count)]})


def train_model(out_dir: Path, train_files: Sequence[Path], *, embeddings: Path,
                gazetteer: Path | None = None, dev_fraction: float = 0.0, seed: int = 0,
                sentences: Sequence[Sentence] | None = None, log: Any = None,
                **params: Any) -> dict[str, Any]:
    """Train on ``train_files`` (CoNLL) and write the model directory ``out_dir``.

    ``embeddings`` is an ``embeddings.npz`` (see :func:`build_embeddings`), copied into
    the model; ``gazetteer`` a ``gazetteer.tsv``. With ``dev_fraction`` > 0 the last part
    of the training sentences is held out and scored after each epoch (for tuning).
    Parameters (see ``DEFAULT_PARAMS``) may be overridden as keyword arguments.
    ``sentences`` are training sentences given directly (before those of the files).
    Training is deterministic for a given ``seed`` and thread count. ``log`` (a callable)
    receives a line per epoch. Returns a summary."""
    import numpy as np
    import torch

    from .network import Net, export_weights, make_batch
    from .tagger import NerTagger

    t0 = time.time()
    p = {**DEFAULT_PARAMS, **params}
    sentences = list(sentences or [])
    for f in train_files:
        sentences.extend(read_conll(Path(f)))
    n_dev = round(len(sentences) * dev_fraction) if dev_fraction > 0 else 0
    train = sentences[:len(sentences) - n_dev]
    dev = sentences[len(sentences) - n_dev:]

    out_dir = Path(out_dir)
    tmp = out_dir.with_name(out_dir.name + ".tmp-train")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    shutil.copyfile(embeddings, tmp / "embeddings.npz")
    with np.load(tmp / "embeddings.npz") as npz:
        words = [str(w) for w in npz["words"]]
        vectors = npz["vectors"].astype(np.float32)
    gaz: dict[str, tuple[str, ...]] = {}
    if gazetteer is not None:
        shutil.copyfile(gazetteer, tmp / "gazetteer.tsv")
        gaz = load_gazetteer(tmp / "gazetteer.tsv")

    tokenizer = Tokenizer(load_lexicon())
    min_count = int(p["memory_min_count"])
    folds = [(lo, hi, build_memory([*train[:lo], *train[hi:]], min_count))
             for lo, hi in _folds(len(train), int(p["memory_folds"]))]
    full_memory = build_memory(train, min_count)
    vocabs = _vocabs(words, train, tokenizer, [full_memory, *(m for _, _, m in folds)],
                     int(p["lex_min_count"]) if int(p["lex_dim"]) else 1 << 30)
    t2i = {t: i for i, t in enumerate(TAGS)}
    items: list[tuple[list[Any], list[int]]] = []
    for lo, hi, mem in folds:
        maker = InputMaker(vocabs, tokenizer, mem, gaz)
        items.extend(([maker(w) for w, _ in s], [t2i[t] for _, t in s]) for s in train[lo:hi])

    random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, int(p["threads"])))
    # batches of similar length (long sentences in smaller batches), made once
    order = sorted(range(len(items)), key=lambda i: (len(items[i][0]), i))
    batches = []
    k = 0
    bs = int(p["batch_size"])
    while k < len(order):
        n = bs if len(items[order[k]][0]) < 60 else max(2, bs // 4)
        batches.append((min(n, len(order) - k), make_batch([items[i] for i in order[k:k + n]])))
        k += n
    v = vocabs.to_json()
    net = Net(vectors, len(v["chars"]), len(v["procl"]), len(v["shapes"]), len(v["memory"]),
              len(v["lex"]), len(TAGS), p)
    params_trained = [q for q in net.parameters() if q.requires_grad]
    opt = torch.optim.Adam(params_trained, lr=float(p["lr"]))
    epochs = int(p["epochs"])
    steps = epochs * len(batches)
    final = float(p["lr_final"])
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: 1.0 - (1.0 - final) * min(step, steps) / steps)
    t_prep = time.time() - t0
    history: list[dict[str, Any]] = []

    def write(target: Path) -> None:
        arrays = export_weights(net)
        with (target / "weights.npz").open("wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        (target / "network.json").write_text(json.dumps({
            "tags": list(TAGS), "vocabs": v,
            "params": {k: p[k] for k in DEFAULT_PARAMS}}, ensure_ascii=False) + "\n",
            encoding="utf-8")
        write_memory(target / "memory.tsv", full_memory)

    for epoch in range(epochs):
        random.shuffle(batches)
        net.train()
        total = 0.0
        for n, batch in batches:
            loss = net.loss(batch)
            opt.zero_grad()
            (loss / n).backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(params_trained, 5.0)
            opt.step()
            sched.step()
            total += float(loss.item())
        row: dict[str, Any] = {"epoch": epoch + 1, "loss": round(total, 1),
                               "seconds": round(time.time() - t0, 1)}
        if dev and (epoch + 1) % int(p.get("dev_every", 1)) == 0:
            net.eval()
            write(tmp)
            tagger = NerTagger.load(tmp)
            pred = tagger.tag_sentences([[w for w, _ in s] for s in dev])
            report = score_spans([[t for _, t in s] for s in dev], pred)
            row["dev"] = {t: round(r["f1"], 4) for t, r in report.items()}
        history.append(row)
        if log is not None:
            log(json.dumps(row))
    net.eval()
    write(tmp)
    t_fit = time.time() - t0 - t_prep
    summary: dict[str, Any] = {
        "train_sentences": len(train), "train_tokens": sum(len(s) for s in train),
        "params": {k: (str(v) if isinstance(v, Path) else v) for k, v in p.items()},
        "seed": seed, "seconds_prepare": round(t_prep, 1), "seconds_fit": round(t_fit, 1),
        "epochs": history,
    }
    if dev:
        tagger = NerTagger.load(tmp)
        pred = tagger.tag_sentences([[w for w, _ in s] for s in dev])
        summary["dev_sentences"] = len(dev)
        summary["dev"] = score_spans([[t for _, t in s] for s in dev], pred)
    summary["seconds"] = round(time.time() - t0, 1)
    summary["files"] = {f.name: {"sha256": _sha256(f), "bytes": f.stat().st_size}
                        for f in sorted(tmp.iterdir()) if f.is_file()}
    # replace the model files in out_dir (other files there, e.g. MODEL.json, stay)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        target = out_dir / name
        if (tmp / name).exists():
            if target.resolve() != (tmp / name).resolve():
                os.replace(tmp / name, target)
        elif target.exists() and name not in ("embeddings.npz", "gazetteer.tsv"):
            target.unlink()
    shutil.rmtree(tmp)
    return summary


# -- the shipped model: embeddings + gazetteer + network + MODEL.json -------------------

MODEL_NAME = "marsad-ner-ar-bilstm-crf"
MODEL_VERSION = "2.0.0"
MODEL_FILES = ("weights.npz", "network.json", "embeddings.npz", "gazetteer.tsv",
               "memory.tsv")
ANT_CORPUS = ("data", "corpora", "ant-v2.1-world-mideast.jsonl.gz")
CAMEL_TRAIN = ("data", "ner", "anercorp_camellab", "ANERCorp_CamelLab_train.txt")


def find_shared(explicit: Path | None = None) -> Path:
    """The shared data folder: ``explicit``, else ``$MARSAD_SHARED``, else ``../shared``."""
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get("MARSAD_SHARED")
    return Path(env) if env else Path.cwd().parent / "shared"


def train_shipped(out_dir: Path, train_files: Sequence[Path], shared: Path, *,
                  rebuild_embeddings: bool = False, command: str = "", log: Any = None,
                  **params: Any) -> dict[str, Any]:
    """Everything ``marsad train-ner`` does: word vectors (built or reused), gazetteer,
    network, then ``MODEL.json`` with provenance."""
    from .gazetteer import build_gazetteer

    t0 = time.time()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = shared.joinpath(*ANT_CORPUS)
    extra = [[w for w, _ in s] for f in train_files for s in read_conll(Path(f))]
    emb_info = ensure_embeddings(out_dir / "embeddings.npz", corpus, extra,
                                 rebuild=rebuild_embeddings)
    gz_info = build_gazetteer(out_dir / "gazetteer.tsv", shared)
    summary = train_model(out_dir, train_files, embeddings=out_dir / "embeddings.npz",
                          gazetteer=out_dir / "gazetteer.tsv", log=log, **params)
    summary["embeddings"] = emb_info
    summary["seconds_total"] = round(time.time() - t0, 1)
    card = model_card(out_dir, summary, train_files, gz_info, command)
    (out_dir / "MODEL.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    return summary


def model_card(out_dir: Path, summary: Mapping[str, Any], train_files: Sequence[Path],
               gazetteer: Mapping[str, Any], command: str) -> dict[str, Any]:
    files = {}
    for name in MODEL_FILES:
        f = out_dir / name
        if f.is_file():
            files[name] = {"sha256": _sha256(f), "bytes": f.stat().st_size}
    old: dict[str, Any] = {}
    if (out_dir / "MODEL.json").is_file():
        try:
            old = json.loads((out_dir / "MODEL.json").read_text(encoding="utf-8"))
        except ValueError:
            old = {}
    same_model = old.get("files", {}).get("weights.npz") == files.get("weights.npz")
    return {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "task": "Arabic named-entity recognition, BIO over PER, ORG, LOC, MISC",
        "model": "BiLSTM-CRF over fastText word and stem vectors, a character CNN, "
                 "label-memory and gazetteer inputs (trained with PyTorch, run in numpy)",
        "licence": {
            "weights.npz, network.json, memory.tsv": "CC BY-SA 4.0 (trained on ANERcorp, "
            "Benajiba & Rosso 2008, CAMeL Lab split, CC BY-SA 4.0)",
            "embeddings.npz": "Apache-2.0 (fastText vectors trained on the ANT v2.1 corpus, "
            "Chouigui et al., and the words of the ANERcorp train split, CC BY-SA 4.0)",
            "gazetteer.tsv": "; ".join(f"{s['name']}: {s['licence']}"
                                       for s in gazetteer.get("sources", [])),
        },
        "gazetteer_sources": gazetteer.get("sources", []),
        "files": files,
        "training": {
            "command": command,
            "data": [Path(f).name for f in train_files],
            "unlabelled": "ANT v2.1 world + Middle East news (17,797 articles)",
            "sentences": summary.get("train_sentences"),
            "tokens": summary.get("train_tokens"),
            "hyper_parameters": {k: v for k, v in (summary.get("params") or {}).items()
                                 if k in DEFAULT_PARAMS},
            "embeddings": summary.get("embeddings"),
            "epochs": summary.get("epochs"),
            "seconds": summary.get("seconds_total", summary.get("seconds")),
            "machine": f"{os.cpu_count()} cores",
            "tuning": "hyper-parameters chosen on the last 10% of the CAMeL train split "
                      "(dev); the shipped model is trained on all of it",
        },
        "scores": old.get("scores", {}) if same_model else {},
        # kept across retraining: the experiments behind the choices
        "development": old.get("development", {}),
    }


def record_scores(model_dir: Path, name: str, report: Mapping[str, Any]) -> None:
    """Store a scoring ``report`` under ``scores[name]`` in ``MODEL.json``."""
    path = Path(model_dir) / "MODEL.json"
    card: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) \
        if path.is_file() else {}
    card.setdefault("scores", {})[name] = report
    path.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
