"""Every error marsad raises, in one place.

Each error has a stable code and a message that says what went wrong and what to do next.
Library code raises these; only the CLI turns them into exit codes and stderr lines.
"""

from __future__ import annotations

from typing import Any


class MarsadError(Exception):
    """Base class: ``code`` is stable across versions, ``str(err)`` is for people."""

    code = "E000"
    template = "{detail}"

    def __init__(self, **data: Any) -> None:
        self.data = data
        super().__init__(f"{self.code} " + self.template.format(**data))


class InputError(MarsadError):
    code = "E001"
    template = "cannot read input {where}: {detail}"


class RecordError(MarsadError):
    code = "E002"
    template = ("bad record at {where}: {detail}. Fix or drop this record; "
                "the others are still analysed.")


class PipelineConfigError(MarsadError):
    code = "E003"
    template = ("pipeline stage '{stage}' needs '{need}', which no earlier stage adds. Order "
                "the stages so that one adding '{need}' comes first, or remove '{stage}'.")


class UnknownStageError(MarsadError):
    code = "E004"
    template = "unknown pipeline stage '{stage}'. Known stages: {known}."


class StageError(MarsadError):
    code = "E005"
    template = "stage '{stage}' failed on document {doc_id}: {detail}"


class SettingsError(MarsadError):
    code = "E006"
    template = "bad setting {name}={value!r}: {detail}"


class GoldError(MarsadError):
    code = "E007"
    template = "cannot use gold file {path}: {detail}"


class DataFileError(MarsadError):
    code = "E008"
    template = "package data file {path} is missing or broken ({detail}). Reinstall marsad."


class TimeBudgetError(MarsadError):
    code = "E009"
    template = ("{where}: the article took longer than the time budget of {seconds:g} s and "
                "was skipped; give it more with --time-budget SECONDS (0: no limit)")
