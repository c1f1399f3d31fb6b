from __future__ import annotations

import pytest

from marsad import Pipeline, Settings, analyze
from marsad.errors import PipelineConfigError, SettingsError, UnknownStageError


def test_pipeline_unknown_stage_names_the_known_ones() -> None:
    with pytest.raises(UnknownStageError, match=r"Known stages: .*sentences"):
        Pipeline(Settings(stages=("language", "nosuch")))


def test_pipeline_order_is_checked_when_built() -> None:
    from marsad.pipeline import stage

    @stage("needs-tokens-test", requires=("tokens",), assigns=("thing",))
    def factory(settings, knowledge):  # type: ignore[no-untyped-def]
        return lambda doc: doc

    with pytest.raises(PipelineConfigError, match="needs 'tokens'"):
        Pipeline(Settings(stages=("needs-tokens-test", "tokens")))
    Pipeline(Settings(stages=("tokens", "needs-tokens-test")))


def test_pipeline_stages_run_in_order_and_are_recorded(pipeline: Pipeline) -> None:
    doc = analyze("قال روحاني إن إيران جاهزة. وأضاف أنها ستدعم الفصائل.", pipeline=pipeline)
    assert doc.stages == ("recover", "language", "sentences", "tokens", "entities", "quotes",
                          "events")
    assert [q.to_json()["text"] for q in doc.quotes] == ["إيران جاهزة", "ستدعم الفصائل"]
    assert len(doc.sentences) == 2
    assert doc.language == "ar"


def test_pipeline_settings_are_validated() -> None:
    with pytest.raises(SettingsError, match="repeated_min_docs"):
        Settings(repeated_min_docs=1)


def test_pipeline_analyze_accepts_html() -> None:
    html = ("<html><head><title>روحاني يتصل بهنية</title></head><body><article><h1>روحاني "
            "يتصل بهنية</h1><p>أجرى الرئيس الإيراني حسن روحاني اتصالا هاتفيا برئيس المكتب "
            "السياسي لحركة حماس إسماعيل هنية مساء أمس وبحثا تطورات القدس.</p><p>وقال روحاني "
            "إن إيران ستقف إلى جانب الشعب الفلسطيني بكل إمكاناتها.</p></article></body></html>")
    doc = analyze(html)
    assert doc.span_text(doc.headline) == "روحاني يتصل بهنية"  # type: ignore[arg-type]
    assert any("بكل إمكاناتها" in doc.span_text(p) for p in doc.body)
