"""ailm: policy-as-code compliance and audit engine for the whole life of an AI system."""

__version__ = "0.1.0"
