"""Measured evidence: fairness (fairlearn), explanations (SHAP), data handling and drift, from the real model
and data of each audited model version."""

from ailm.analysis.runner import analyze
from ailm.analysis.settings import ALL_ANALYZERS, AnalysisSettings

__all__ = ["ALL_ANALYZERS", "AnalysisSettings", "analyze"]
