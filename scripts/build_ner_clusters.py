"""Build (or reuse) the NER word clusters: word2vec + k-means on the ANT v2.1 corpus.

    .venv/bin/python scripts/build_ner_clusters.py [--shared DIR] [--out FILE] [--rebuild]

``marsad train-ner`` runs the same step itself (and reuses a matching build), so this
script is only needed to build the clusters on their own. Needs the ``[train]`` extra.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from marsad.ner.tagger import default_model_dir
from marsad.ner.train import ANT_CORPUS, ensure_clusters, find_shared


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, help="shared data folder")
    ap.add_argument("--out", type=Path, default=default_model_dir() / "clusters.tsv")
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    corpus = find_shared(args.shared).joinpath(*ANT_CORPUS)
    info = ensure_clusters(args.out, corpus, rebuild=args.rebuild)
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
