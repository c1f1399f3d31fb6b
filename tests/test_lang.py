from __future__ import annotations

import pytest

from marsad.text import detect_language


@pytest.mark.parametrize(("text", "code"), [
    ("قال الرئيس الإيراني حسن روحاني إن بلاده مستعدة", "ar"),
    ("رئیس جمهوری ایران گفت که کشورش آماده است و پیشنهاد کرد", "fa"),
    ("پاکستان کے وزیر اعظم نے کہا ہے کہ حکومت تیار ہے اور یہ بات", "ur"),
    ("The president said that the country is ready for the talks", "en"),
    ("Добрый день, как дела", "und"),
    ("12345 !!!", "und"),
])
def test_language_detects_arabic_and_flags_the_rest(text: str, code: str) -> None:
    got, warnings = detect_language(text)
    assert got == code
    assert bool(warnings) == (code != "ar")
