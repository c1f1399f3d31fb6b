"""The pipeline: article recovery, then an ordered list of named ``Doc -> Doc`` stages.

Each stage declares what it needs and what it adds; a pipeline whose order cannot work
fails when it is built, naming the stage. The CLI, the API and batch jobs all call
:class:`Pipeline`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .doc import Doc
from .errors import MarsadError, PipelineConfigError, StageError, UnknownStageError
from .recovery import RawArticle, RepeatedLines, extract_html, recover
from .resources import Knowledge
from .settings import Settings

StageFn = Callable[[Doc], Doc]

#: what recovery provides before any stage runs
RECOVERED = ("text", "structure")


@dataclass(frozen=True, slots=True)
class StageSpec:
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    factory: Callable[[Settings, Knowledge], StageFn]


_REGISTRY: dict[str, StageSpec] = {}


def stage(name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()
          ) -> Callable[[Callable[[Settings, Knowledge], StageFn]],
                        Callable[[Settings, Knowledge], StageFn]]:
    """Register a stage factory: ``factory(settings, knowledge) -> (Doc -> Doc)``."""
    def register(factory: Callable[[Settings, Knowledge], StageFn]
                 ) -> Callable[[Settings, Knowledge], StageFn]:
        _REGISTRY[name] = StageSpec(name, requires, assigns, factory)
        return factory
    return register


def registered_stages() -> dict[str, StageSpec]:
    from . import stages  # noqa: F401 - importing registers the built-in stages
    return dict(_REGISTRY)


class Pipeline:
    """Recovery plus the configured stages. Build once (it loads the knowledge files),
    then call it on many articles."""

    def __init__(self, settings: Settings | None = None, *,
                 knowledge: Knowledge | None = None) -> None:
        self.settings = settings or Settings()
        self.knowledge = knowledge or Knowledge.load(self.settings)
        specs = registered_stages()
        available = set(RECOVERED)
        self.stages: list[tuple[str, StageFn]] = []
        for name in self.settings.stages:
            spec = specs.get(name)
            if spec is None:
                raise UnknownStageError(stage=name, known=", ".join(sorted(specs)))
            for need in spec.requires:
                if need not in available:
                    raise PipelineConfigError(stage=name, need=need)
            available.update(spec.assigns)
            self.stages.append((name, spec.factory(self.settings, self.knowledge)))

    @property
    def stage_names(self) -> list[str]:
        return [name for name, _ in self.stages]

    def make_doc(self, raw: RawArticle, repeated: RepeatedLines | None = None) -> Doc:
        if raw.kind == "html":
            raw = extract_html(raw)
        return recover(raw, self.settings, self.knowledge.boilerplate, repeated)

    def process(self, doc: Doc) -> Doc:
        ran = doc.stages
        for name, fn in self.stages:
            try:
                doc = fn(doc)
            except MarsadError:
                raise
            except Exception as err:
                raise StageError(stage=name, doc_id=doc.id,
                                 detail=f"{type(err).__name__}: {err}") from err
        return doc.with_layers(stages=(*ran, *self.stage_names))

    def __call__(self, raw: RawArticle, repeated: RepeatedLines | None = None) -> Doc:
        return self.process(self.make_doc(raw, repeated))

    def pipe(self, raws: Iterable[RawArticle], repeated: RepeatedLines | None = None
             ) -> Iterator[Doc]:
        for raw in raws:
            yield self(raw, repeated)

    def learn_repeated(self, raws: Iterable[RawArticle]) -> RepeatedLines:
        """Learn per-site boilerplate from a batch (the ``repeated-in-source`` rule)."""
        return learn_repeated(raws, self.settings)


def learn_repeated(raws: Iterable[RawArticle], settings: Settings) -> RepeatedLines:
    """The lines that recur across each site's articles in ``raws`` (the
    ``repeated-in-source`` rule), with the thresholds of ``settings``. Needs no loaded
    pipeline."""
    return RepeatedLines.learn(
        ((r.site, r.title or "", r.body) for r in raws if r.kind != "html"),
        min_docs=settings.repeated_min_docs, min_site_docs=settings.repeated_min_site_docs,
        max_words=settings.repeated_max_words)
