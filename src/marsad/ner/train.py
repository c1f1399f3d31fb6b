"""Training the NER CRF (python-crfsuite) and writing the shipped model directory.

The label memory (how often a word was an entity of each type in the training data) is
computed by jackknifing for the training features: the training sentences are cut into
``memory_folds`` contiguous folds and each fold's memory comes from the other folds only,
so the CRF learns how far to trust the memory on words it has *not* seen in context; the
shipped memory uses all the training data.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pycrfsuite

from ..resources import load_lexicon
from ..text.normalize import normalize_key
from ..text.tokenize import Tokenizer
from .conll import read_conll, score_spans
from .features import FeatureConfig, FeatureExtractor, NerResources
from .linear import WEIGHTS_FILE, CrfWeights, file_sha256
from .resources_io import load_clusters, load_gazetteer, write_memory

Sentence = list[tuple[str, str]]

DEFAULT_PARAMS: dict[str, Any] = {
    "c1": 0.05,
    "c2": 0.05,
    "max_iterations": 300,
    "memory_folds": 10,
    "memory_min_count": 1,
    "own_clusters": ["k64", "k256", "k1024", "k4096"],
    "ctx_clusters": ["k256", "k1024"],
    # chosen on dev; "ngram" did not pay (see MODEL.json notes)
    "groups": ["affix", "stem", "shape", "context2", "bigram", "memory", "cluster",
               "gazetteer", "doc"],
    "window": 2,
}


def build_memory(sentences: Sequence[Sentence], min_count: int = 1
                 ) -> dict[str, tuple[str, ...]]:
    """word -> memory features: the majority label type (if it covers half the
    occurrences) and a bucket of how often the word was inside any entity."""
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
            feats.append("t" + typ + bucket)
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


def featurize_training(sentences: Sequence[Sentence], config: FeatureConfig,
                       base: NerResources, tokenizer: Tokenizer, folds: int,
                       min_count: int) -> list[list[list[str]]]:
    """Features of the training sentences, with the label memory jackknifed over
    ``folds`` contiguous folds."""
    if "memory" not in config.groups:
        fx = FeatureExtractor(config, base, tokenizer)
        return fx.document([[w for w, _ in s] for s in sentences])
    out: list[list[list[str]]] = []
    for lo, hi in _folds(len(sentences), folds):
        others = [*sentences[:lo], *sentences[hi:]]
        res = NerResources(base.clusters, base.cluster_names, base.gazetteer,
                           build_memory(others, min_count))
        fx = FeatureExtractor(config, res, tokenizer)
        out.extend(fx.document([[w for w, _ in s] for s in sentences[lo:hi]]))
    return out


def fit_crf(xs: Sequence[list[list[str]]], ys: Sequence[list[str]], model_path: Path,
            params: Mapping[str, Any]) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for x, y in zip(xs, ys, strict=True):
        trainer.append(x, y)
    trainer.set_params({"c1": float(params["c1"]), "c2": float(params["c2"]),
                        "max_iterations": int(params["max_iterations"]),
                        "feature.possible_transitions": True})
    trainer.train(str(model_path))


def export_weights(model_dir: Path) -> None:
    """Write ``weights.npz`` (the CRF's weights as arrays, which the tagger loads much
    faster than crfsuite's dump) beside ``model.crfsuite``."""
    crf = pycrfsuite.Tagger()
    crf.open(str(model_dir / "model.crfsuite"))
    CrfWeights.from_crfsuite(crf).save(
        model_dir / WEIGHTS_FILE, file_sha256(model_dir / "model.crfsuite"))


def train_model(out_dir: Path, train_files: Sequence[Path], *, dev_fraction: float = 0.0,
                seed: int = 0, sentences: Sequence[Sentence] | None = None,
                **params: Any) -> dict[str, Any]:
    """Train on ``train_files`` (CoNLL) and write the model directory ``out_dir``.

    With ``dev_fraction`` > 0 the last part of the training sentences is held out and
    scored (for tuning); the written model is then trained without it. Parameters
    (see ``DEFAULT_PARAMS``) may be overridden as keyword arguments; ``clusters`` and
    ``gazetteer`` name TSV files to copy into the model directory. ``sentences`` are
    training sentences given directly (before those of the files). ``seed`` is recorded:
    L-BFGS training is deterministic, and so is the whole command. Returns a summary."""
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
    cluster_names: tuple[str, ...] = ()
    clusters: dict[str, tuple[str, ...]] = {}
    if p.get("clusters"):
        shutil.copyfile(p["clusters"], tmp / "clusters.tsv")
        cluster_names, clusters = load_clusters(tmp / "clusters.tsv")
    gazetteer: dict[str, tuple[str, ...]] = {}
    if p.get("gazetteer"):
        shutil.copyfile(p["gazetteer"], tmp / "gazetteer.tsv")
        gazetteer = load_gazetteer(tmp / "gazetteer.tsv")
    groups = tuple(p["groups"]) if p.get("groups") else FeatureConfig().groups
    config = FeatureConfig(groups=groups, own_clusters=tuple(p["own_clusters"]),
                           ctx_clusters=tuple(p["ctx_clusters"]), window=int(p["window"]))
    base = NerResources(clusters, cluster_names, gazetteer, {})
    tokenizer = Tokenizer(load_lexicon())
    xs = featurize_training(train, config, base, tokenizer, int(p["memory_folds"]),
                            int(p["memory_min_count"]))
    ys = [[t for _, t in s] for s in train]
    t_feat = time.time() - t0
    fit_crf(xs, ys, tmp / "model.crfsuite", p)
    export_weights(tmp)
    t_fit = time.time() - t0 - t_feat
    if "memory" in groups:
        write_memory(tmp / "memory.tsv", build_memory(train, int(p["memory_min_count"])))
    (tmp / "features.json").write_text(json.dumps(config.to_json(), indent=1) + "\n",
                                       encoding="utf-8")
    summary: dict[str, Any] = {
        "train_sentences": len(train), "train_tokens": sum(len(s) for s in train),
        "params": {k: (str(v) if isinstance(v, Path) else v) for k, v in p.items()},
        "seed": seed, "seconds_features": round(t_feat, 1), "seconds_fit": round(t_fit, 1),
    }
    if dev:
        tagger = NerTagger.load(tmp)
        pred = tagger.tag_sentences([[w for w, _ in s] for s in dev])
        summary["dev_sentences"] = len(dev)
        summary["dev"] = score_spans([[t for _, t in s] for s in dev], pred)
    summary["seconds"] = round(time.time() - t0, 1)
    summary["files"] = {f.name: {"sha256": file_sha256(f), "bytes": f.stat().st_size}
                        for f in sorted(tmp.iterdir()) if f.is_file()}
    # replace the model files in out_dir (other files there, e.g. MODEL.json, stay)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in ("model.crfsuite", WEIGHTS_FILE, "clusters.tsv", "gazetteer.tsv",
                 "memory.tsv", "features.json"):
        target = out_dir / name
        if (tmp / name).exists():
            os.replace(tmp / name, target)
        elif target.exists():
            target.unlink()
    shutil.rmtree(tmp)
    return summary


# -- the shipped model: clusters + gazetteer + CRF + MODEL.json ------------------------

MODEL_NAME = "marsad-ner-ar-crf"
MODEL_VERSION = "1.0.0"
ANT_CORPUS = ("data", "corpora", "ant-v2.1-world-mideast.jsonl.gz")
CAMEL_TRAIN = ("data", "ner", "anercorp_camellab", "ANERCorp_CamelLab_train.txt")
CLUSTER_PARAMS: dict[str, Any] = {"ks": [64, 256, 1024, 4096], "max_words": 100_000,
                                  "dim": 100, "window": 5, "epochs": 5, "min_count": 3,
                                  "seed": 0}


def find_shared(explicit: Path | None = None) -> Path:
    """The shared data folder: ``explicit``, else ``$MARSAD_SHARED``, else ``../shared``."""
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get("MARSAD_SHARED")
    return Path(env) if env else Path.cwd().parent / "shared"


def ensure_clusters(path: Path, corpus: Path, *, rebuild: bool = False) -> dict[str, Any]:
    """Build ``path`` from ``corpus`` unless it exists with the same parameters (recorded
    in ``path.json`` beside it, which also keeps the build summary)."""
    from .clusters import build_clusters

    info_path = path.with_suffix(".json")
    wanted = {"corpus": corpus.name, **CLUSTER_PARAMS}
    if path.is_file() and info_path.is_file() and not rebuild:
        info: dict[str, Any] = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("params") == wanted and info.get("sha256") == file_sha256(path):
            info["reused"] = True
            return info
    t0 = time.time()
    summary = build_clusters(path, corpus, **CLUSTER_PARAMS)
    info = {"params": wanted, "summary": summary, "sha256": file_sha256(path),
            "seconds": round(time.time() - t0, 1)}
    info_path.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    info["reused"] = False
    return info


def train_shipped(out_dir: Path, train_files: Sequence[Path], shared: Path, *,
                  rebuild_clusters: bool = False, command: str = "", **params: Any
                  ) -> dict[str, Any]:
    """Everything ``marsad train-ner`` does: clusters (built or reused), gazetteer,
    and CRF, then ``MODEL.json`` with provenance."""
    from .gazetteer import build_gazetteer

    t0 = time.time()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = shared.joinpath(*ANT_CORPUS)
    cache = out_dir  # the cluster file is reused from the last build when unchanged
    cl_info = ensure_clusters(cache / "clusters.tsv", corpus, rebuild=rebuild_clusters)
    gz_info = build_gazetteer(cache / "gazetteer.tsv", shared)
    p = {"clusters": cache / "clusters.tsv", "gazetteer": cache / "gazetteer.tsv",
         **params}
    summary = train_model(out_dir, train_files, **p)
    summary["clusters"] = cl_info
    summary["seconds_total"] = round(time.time() - t0, 1)
    card = model_card(out_dir, summary, train_files, gz_info, command)
    (out_dir / "MODEL.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    return summary


def model_card(out_dir: Path, summary: Mapping[str, Any], train_files: Sequence[Path],
               gazetteer: Mapping[str, Any], command: str) -> dict[str, Any]:
    files = {}
    for name in ("model.crfsuite", WEIGHTS_FILE, "features.json", "clusters.tsv",
                 "gazetteer.tsv", "memory.tsv"):
        f = out_dir / name
        if f.is_file():
            files[name] = {"sha256": file_sha256(f), "bytes": f.stat().st_size}
    old: dict[str, Any] = {}
    if (out_dir / "MODEL.json").is_file():
        try:
            old = json.loads((out_dir / "MODEL.json").read_text(encoding="utf-8"))
        except ValueError:
            old = {}
    same_model = old.get("files", {}).get("model.crfsuite") == files.get("model.crfsuite")
    return {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "task": "Arabic named-entity recognition, BIO over PER, ORG, LOC, MISC",
        "model": "linear-chain CRF (python-crfsuite, L-BFGS, L1+L2)",
        "licence": {k: v for k, v in {
            "model.crfsuite, memory.tsv, features.json": "CC BY-SA 4.0 (trained "
            "on ANERcorp, Benajiba & Rosso 2008, CAMeL Lab split, CC BY-SA 4.0)",
            "clusters.tsv": "Apache-2.0 (word2vec + k-means on the ANT v2.1 corpus, "
            "Chouigui et al.)",
            "gazetteer.tsv": "; ".join(f"{s['name']}: {s['licence']}"
                                       for s in gazetteer.get("sources", [])),
        }.items() if any(name.strip() in files for name in k.split(","))},
        "gazetteer_sources": gazetteer.get("sources", []),
        "files": files,
        "training": {
            "command": command,
            "data": [Path(f).name for f in train_files],
            "unlabelled": "ANT v2.1 world + Middle East news (17,797 articles)",
            "sentences": summary.get("train_sentences"),
            "tokens": summary.get("train_tokens"),
            "hyper_parameters": {
                k: (Path(v).name if isinstance(v, str) and os.sep in v else v)
                for k, v in (summary.get("params") or {}).items()},
            "clusters": summary.get("clusters"),
            "seconds": summary.get("seconds_total", summary.get("seconds")),
            "machine": f"{os.cpu_count()} cores",
            "tuning": "hyper-parameters and feature groups chosen on the last 10% of the "
                      "CAMeL train split (dev); the shipped model is retrained on all of it",
        },
        "dev_scores": summary.get("dev"),
        "scores": old.get("scores", {}) if same_model else {},
        # kept across retraining: the feature-group experiments behind the choices
        "development": old.get("development", {}),
    }


def record_scores(model_dir: Path, name: str, report: Mapping[str, Any]) -> None:
    """Store a scoring ``report`` under ``scores[name]`` in ``MODEL.json``."""
    path = Path(model_dir) / "MODEL.json"
    card: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) \
        if path.is_file() else {}
    card.setdefault("scores", {})[name] = report
    path.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
