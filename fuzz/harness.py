"""The fuzz target: any bytes, read as an input file and analysed by the whole default
pipeline. Shared by the atheris harness (``fuzz_pipeline.py``) and its hypothesis
stand-in in ``tests/test_reliability.py``.

The first byte picks how the input is named (no name: sniffed; ``.txt``, ``.html``,
``.json``, ``.jsonl``), the rest is the file's content. A clear :class:`MarsadError` for a
bad input is fine; any other exception, an offset outside the text, a span whose text is
not the slice it points at, or output the JSON Schema rejects is a finding."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

NAMES: tuple[str | None, ...] = (None, "input.txt", "input.html", "input.json",
                                 "input.jsonl")
REPO = Path(__file__).resolve().parents[1]


class Target:
    """Build once (it loads the pipeline and the schema), call once per input."""

    def __init__(self) -> None:
        import jsonschema

        from marsad import Pipeline, Settings
        from marsad.resources import data_path

        self.pipeline = Pipeline(Settings(include_tokens=True))
        schema = json.loads(data_path("schema", "marsad.article-1.schema.json")
                            .read_text("utf-8"))
        self.validator = jsonschema.Draft202012Validator(schema)

    def __call__(self, data: bytes) -> int:
        """Analyse ``data``; the number of documents it gave (raises on a finding)."""
        from marsad.errors import MarsadError
        from marsad.recovery.inputs import articles_from_bytes

        name = NAMES[data[0] % len(NAMES)] if data else None
        n = 0
        for item in articles_from_bytes(data[1:], "<fuzz>", name):
            if isinstance(item, MarsadError):
                if not str(item).startswith("E0") or "\n" in str(item):
                    raise AssertionError(f"unclear error: {item!r}")
                continue
            try:
                doc = self.pipeline(item).to_json(include_tokens=True)
            except MarsadError:  # a document the pipeline refuses, with a clear message
                continue
            self.check(doc)
            n += 1
        return n

    def check(self, doc: dict[str, Any]) -> None:
        from marsad.doc import iter_spans

        errors = [e.message for e in self.validator.iter_errors(doc)]
        if errors:
            raise AssertionError(f"schema: {errors[:3]}")
        text = doc["text"]
        for layer, start, end in iter_spans(doc):
            if not 0 <= start <= end <= len(text):
                raise AssertionError(f"{layer} span {start}:{end} outside 0:{len(text)}")
        pieces: list[tuple[str, int, int, str]] = [
            ("body", p["start"], p["end"], p["text"]) for p in doc["body"]]
        pieces += [("mention", m["start"], m["end"], m["text"])
                   for e in doc["entities"] for m in e["mentions"]]
        pieces += [("quote", q["start"], q["end"], q["text"]) for q in doc["quotes"]]
        for layer, start, end, piece in pieces:
            if text[start:end] != piece:
                raise AssertionError(f"{layer} {start}:{end} is {text[start:end]!r}, "
                                     f"not {piece!r}")


def seed_inputs(count: int = 40) -> Iterator[bytes]:
    """A starting corpus from real articles: the seed and ANT sample records in every
    input form (text, HTML, JSON, JSONL), and in UTF-16 and Windows-1256."""
    import gzip
    import itertools

    seed = (REPO / "examples" / "aawsat-soleimani-2017.txt").read_bytes()
    yield bytes([1]) + seed
    yield bytes([0]) + seed.decode("utf-8").encode("utf-16")
    yield bytes([1]) + seed.decode("utf-8").encode("cp1256", "replace")
    sample = REPO / "examples" / "sample" / "ant-v2.1-sample-500.jsonl.gz"
    with gzip.open(sample, "rt", encoding="utf-8") as fh:
        lines = list(itertools.islice(fh, count))
    for i, line in enumerate(lines):
        rec = json.loads(line)
        text = str(rec.get("text") or "")[:3000]
        title = str(rec.get("title") or "")
        if i % 4 == 0:
            yield bytes([1]) + f"{title}\n{text}".encode()
        elif i % 4 == 1:
            paras = "".join(f"<p>{p}</p>" for p in text.split("\n"))
            yield bytes([2]) + (f"<html><head><title>{title}</title><script>x()</script>"
                                f"</head><body><article><h1>{title}</h1>{paras}"
                                "</article></body></html>").encode()
        elif i % 4 == 2:
            yield bytes([3]) + json.dumps({"title": title, "text": text,
                                           "published": rec.get("date")},
                                          ensure_ascii=False).encode()
        else:
            yield bytes([4]) + (line + "{broken\n" + line).encode()


def write_corpus(directory: Path, count: int = 40) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for i, data in enumerate(seed_inputs(count)):
        path = directory / f"seed-{i:03d}"
        path.write_bytes(data)
        out.append(path)
    return out


Check = Callable[[bytes], int]
