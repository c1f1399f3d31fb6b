"""atheris (libFuzzer) harness over the whole default pipeline; see ``harness.py``.

    python fuzz/fuzz_pipeline.py -max_total_time=60 -timeout=20 CORPUS_DIR [SEED_DIR]

``python fuzz/fuzz_pipeline.py --write-corpus DIR`` writes the seed corpus (real articles
in every input form). libFuzzer adds what it finds to the first directory and writes a
``crash-*`` file with the input when the target raises; ``-timeout`` turns a slow input
into a finding too."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import atheris

with atheris.instrument_imports(include=["marsad"]):
    # every stage's module, so that the coverage that guides the fuzzer covers them all
    from harness import Target, write_corpus

    import marsad.events
    import marsad.pipeline
    import marsad.quotes
    import marsad.stages  # noqa: F401


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--write-corpus":
        write_corpus(Path(sys.argv[2]))
        return
    target = Target()
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
