"""``marsad train-ner`` and ``marsad ner``: train the shipped tagger, tag or score files."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from .conll import read_conll, score_spans
from .tagger import NerTagger, default_model_dir

_TYPES = ("PER", "LOC", "ORG", "MISC")


def add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    tr = subparsers.add_parser(
        "train-ner", help="train the named-entity tagger",
        description="Train the NER CRF on CoNLL files (default: the ANERcorp CAMeL train "
        "split under the shared data) and write the model files and MODEL.json. Word "
        "clusters are built from the ANT corpus, or reused when already built.")
    tr.add_argument("--train", nargs="+", type=Path, metavar="FILE",
                    help="training files (token ... tag lines; default: "
                    "ANERCorp_CamelLab_train.txt in the shared data)")
    tr.add_argument("--out", type=Path, help="model directory (default: the package's "
                    "data/ner)")
    tr.add_argument("--shared", type=Path, help="shared data folder (default: "
                    "$MARSAD_SHARED or ../shared)")
    tr.add_argument("--dev-fraction", type=float, default=0.0,
                    help="hold out this last part of the training data and score it "
                    "(for tuning; the written model is then trained without it)")
    tr.add_argument("--rebuild-clusters", action="store_true",
                    help="rebuild the word clusters even if a matching build exists")
    tr.set_defaults(handler=_train)

    ner = subparsers.add_parser(
        "ner", help="tag a CoNLL file with named entities",
        description="Tag a file of tokens (first column; blank lines between sentences) "
        "and print token<TAB>BIO-tag lines, or with --eval score it against the gold "
        "tags in its last column.")
    ner.add_argument("file", type=Path, metavar="FILE")
    ner.add_argument("--eval", action="store_true",
                     help="print per-type and micro P/R/F1 and tokens/s instead of tags")
    ner.add_argument("--model", type=Path, help="model directory (default: shipped model)")
    ner.add_argument("--json", action="store_true", help="with --eval: print JSON")
    ner.add_argument("--record", metavar="NAME",
                     help="with --eval: store the scores under NAME in the model's "
                     "MODEL.json")
    ner.set_defaults(handler=_ner)


def _train(args: argparse.Namespace) -> int:
    from .train import CAMEL_TRAIN, find_shared, train_shipped

    shared = find_shared(args.shared)
    train = list(args.train or [shared.joinpath(*CAMEL_TRAIN)])
    for f in train:
        if not f.is_file():
            print(f"marsad: training file not found: {f} (use --train or --shared, or set "
                  "MARSAD_SHARED)", file=sys.stderr)
            return 2
    out = args.out or default_model_dir()
    command = "marsad train-ner" + "".join(
        f" {shlex.quote(a)}" for a in sys.argv[2:]) if sys.argv[1:2] == ["train-ner"] \
        else "marsad train-ner"
    summary = train_shipped(out, train, shared, rebuild_clusters=args.rebuild_clusters,
                            command=command, dev_fraction=args.dev_fraction)
    print(f"trained on {summary['train_sentences']} sentences "
          f"({summary['train_tokens']} tokens) in {summary['seconds_total']} s; "
          f"model written to {out}")
    for name, info in summary["files"].items():
        print(f"  {name:16s} {info['bytes']:>10,d} bytes  sha256 {info['sha256'][:16]}")
    if "dev" in summary:
        print(f"dev ({summary['dev_sentences']} held-out sentences):")
        _print_report(summary["dev"])
    return 0


def _print_report(report: dict[str, dict[str, float]]) -> None:
    print(f"  {'type':6s} {'P':>7s} {'R':>7s} {'F1':>7s} {'gold':>6s}")
    for t in [*[t for t in _TYPES if t in report],
              *[t for t in report if t not in _TYPES and t != "micro"], "micro"]:
        r = report[t]
        print(f"  {t:6s} {r['precision']:7.4f} {r['recall']:7.4f} {r['f1']:7.4f} "
              f"{int(r['support']):6d}")


def _ner(args: argparse.Namespace) -> int:
    sentences = read_conll(args.file)
    t0 = time.perf_counter()
    tagger = NerTagger.load(args.model)
    t_load = time.perf_counter() - t0
    words = [[w for w, _ in s] for s in sentences]
    t1 = time.perf_counter()
    pred = tagger.tag_sentences(words)
    seconds = time.perf_counter() - t1
    tokens = sum(len(w) for w in words)
    if not args.eval:
        out = sys.stdout
        for ws, tags in zip(words, pred, strict=True):
            for w, t in zip(ws, tags, strict=True):
                out.write(f"{w}\t{t}\n")
            out.write("\n")
        return 0
    report = score_spans([[t for _, t in s] for s in sentences], pred)
    info: dict[str, Any] = {"file": str(args.file), "sentences": len(sentences),
                            "tokens": tokens, "tokens_per_second": round(tokens / seconds),
                            "load_seconds": round(t_load, 3), "report": report}
    if args.record:
        from .train import record_scores

        record_scores(tagger.model_dir, args.record, {
            "file": args.file.name, "tokens": tokens,
            **{t: {k: round(v, 4) for k, v in r.items()} for t, r in report.items()}})
    if args.json:
        print(json.dumps(info, indent=1))
        return 0
    print(f"{args.file}: {len(sentences)} sentences, {tokens} tokens, "
          f"{tokens / seconds:,.0f} tokens/s (model loaded in {t_load:.2f} s)")
    _print_report(report)
    return 0
