"""Build the shipped word-frequency list (``src/marsad/data/lexicon/ar_wordfreq.tsv``)
from the ANT v2.1 corpus (Apache-2.0). Used by the tokenizer to decide proclitic splits.

    python scripts/build_wordfreq.py ../shared/data/corpora/ant-v2.1-world-mideast.jsonl.gz
"""

from __future__ import annotations

import collections
import gzip
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from marsad.text.normalize import normalize_key

WORD = re.compile(r"[\u0621-\u064A]+")
OUT = Path(__file__).resolve().parents[1] / "src/marsad/data/lexicon/ar_wordfreq.tsv"


def main(corpus: str, min_count: int = 3) -> None:
    counts: collections.Counter[str] = collections.Counter()
    n = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            n += 1
            for field in ("title", "abstract", "text"):
                counts.update(WORD.findall(normalize_key(rec.get(field) or "")))
    with OUT.open("w", encoding="utf-8") as out:
        out.write(f"# normalised word forms and counts from {n} ANT v2.1 articles "
                  f"(Apache-2.0, Chouigui et al.); min count {min_count}\n")
        for word, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if c >= min_count:
                out.write(f"{word}\t{c}\n")


if __name__ == "__main__":
    main(sys.argv[1])
