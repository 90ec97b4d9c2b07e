"""The ``analysis:`` block of the audit config: what to measure, on which data, and how."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# the built-ins, run by default
ALL_ANALYZERS: tuple[str, ...] = ("fairness", "performance", "explanations", "data", "drift")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SensitiveData(_Strict):
    """Sensitive attributes kept in a separate file, joined to the evaluation data by an id column."""

    path: str = Field(min_length=1)
    id_column: str = Field(min_length=1)


class AnalysisSettings(_Strict):
    label: str = Field(min_length=1, description="the target column in every dataset")
    positive_label: str | int | bool = Field(default=1, description="the label value that counts as positive")
    sensitive_features: list[str] | None = Field(
        default=None, description="default: plan.sensitive_features from the manifest"
    )
    datasets: dict[str, str] = Field(
        default_factory=dict,
        description="role (train, validation, test, current) -> file; default: the run's dataset inputs by context",
    )
    evaluate_on: str = Field(default="test", description="the dataset role fairness and explanations use")
    reference: str = Field(default="train", description="the dataset role drift compares against")
    sensitive_data: SensitiveData | None = None
    id_column: str | None = Field(default=None, description="a row id column, for id overlap between splits")
    min_group_size: int = Field(default=30, ge=1)
    bootstrap: int = Field(default=200, ge=0, le=10_000)
    confidence: float = Field(default=0.95, gt=0, lt=1)
    shap_rows: int = Field(default=1000, ge=10)
    shap_background: int = Field(default=100, ge=10)
    top_features: int = Field(default=5, ge=1)
    drift_bins: int = Field(default=10, ge=2, le=100)
    seed: int = 20261123
    analyzers: list[str] = Field(
        default_factory=lambda: list(ALL_ANALYZERS), description="analyzer plugins to run, by name"
    )
    options: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="analyzer name -> that analyzer's own settings (validated by its model)"
    )

    @field_validator("analyzers")
    @classmethod
    def _known(cls, chosen: list[str]) -> list[str]:
        from ailm.plugins import names

        known = names("analyzer")
        for name in chosen:
            if name not in known:
                raise ValueError(f"unknown analyzer {name!r}; known: {', '.join(known)}")
        if len(set(chosen)) != len(chosen):
            raise ValueError("an analyzer is named twice")
        return chosen

    cache: str | None = Field(default=None, description="cache folder; default $AILM_CACHE_DIR or ~/.cache/ailm")
    no_cache: bool = False
