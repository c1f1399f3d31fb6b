"""Reading inputs: encodings, record fields, broken records between good ones."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from marsad.errors import InputError, MarsadError, RecordError
from marsad.recovery import RawArticle, decode_bytes, iter_inputs, record_to_raw

ARTICLE = "قال الرئيس الإيراني حسن روحاني إن بلاده ستدعم الفلسطينيين بكل إمكاناتها."


def test_inputs_decode_utf8_utf16_and_bom() -> None:
    assert decode_bytes(ARTICLE.encode("utf-8"), "x") == (ARTICLE, [])
    assert decode_bytes(ARTICLE.encode("utf-16"), "x") == (ARTICLE, [])
    assert decode_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), "x") == (ARTICLE, [])


def test_inputs_detect_windows_1256() -> None:
    text, warnings = decode_bytes((ARTICLE * 3).encode("cp1256"), "x")
    assert text == ARTICLE * 3
    assert warnings and "1256" in warnings[0]


def test_inputs_invalid_utf8_is_replaced_and_located() -> None:
    data = ARTICLE.encode("utf-8") + b"\xff\xfe\xfa" + ARTICLE.encode("utf-8")
    text, warnings = decode_bytes(data, "x")
    assert ARTICLE in text
    assert warnings and "byte" in warnings[0]


def test_inputs_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    items = list(iter_inputs([str(path)]))
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert "binary" in str(items[0])


def test_inputs_jsonl_broken_lines_do_not_cost_the_good_ones(tmp_path: Path) -> None:
    good = {"title": "عنوان", "text": ARTICLE}
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join([
        json.dumps(good, ensure_ascii=False), "{not json", json.dumps([1, 2]),
        json.dumps({"title": 5, "text": ARTICLE}), json.dumps({"foo": "bar"}),
        json.dumps(good, ensure_ascii=False)]) + "\n", "utf-8")
    items = list(iter_inputs([str(path)]))
    assert [type(i).__name__ for i in items] == [
        "RawArticle", "RecordError", "RecordError", "RecordError", "RecordError", "RawArticle"]
    errors = [str(i) for i in items if isinstance(i, MarsadError)]
    assert "dump.jsonl:2" in errors[0] and "invalid JSON" in errors[0]
    assert "field 'title' should be a string" in errors[2]
    assert "no text" in errors[3]


def test_inputs_jsonl_gz_and_directories(tmp_path: Path) -> None:
    rec = {"headline": "عنوان", "content": ARTICLE, "date": "2018-03-14", "link": "https://a.b/c"}
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    (tmp_path / "b.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    items = list(iter_inputs([str(tmp_path)]))
    assert len(items) == 2 and all(isinstance(i, RawArticle) for i in items)
    first = items[0]
    assert isinstance(first, RawArticle)
    assert first.title == "عنوان" and str(first.published) == "2018-03-14"
    assert first.site == "a.b" and first.record == 1


@pytest.mark.parametrize("field", ["title", "headline"])
def test_inputs_record_field_names_are_mapped(field: str) -> None:
    raw = record_to_raw({field: "ت", "description": "م", "body": "ن", "time": "2015-07-21",
                         "site": "s", "_id": 7, "authors": ["أ", "ب"]})
    assert (raw.title, raw.abstract, raw.body, raw.site, raw.id, raw.author) == (
        "ت", "م", "ن", "s", "7", "أ, ب")


def test_inputs_missing_file_is_reported() -> None:
    items = list(iter_inputs(["/nonexistent/file.txt"]))
    assert isinstance(items[0], InputError) and "no such file" in str(items[0])


def test_inputs_record_that_is_not_an_object() -> None:
    with pytest.raises(RecordError, match="expected a JSON object"):
        record_to_raw(["a"])


def test_bundled_sample_folder_holds_only_articles() -> None:
    # regression: a README inside examples/sample was read as a 502nd "article"
    sample = Path(__file__).resolve().parents[1] / "examples" / "sample"
    items = list(iter_inputs([str(sample)]))
    assert all(isinstance(i, RawArticle) for i in items)
    assert len(items) == 501
