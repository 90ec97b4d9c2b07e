"""One exception hierarchy for ailm. Errors become CLI messages only at the edge (ailm.cli).

Every error that means "no verdict" carries exit code 2. Each layer adds a short context when it
re-raises (``load policies in policies/data: parse DATA-004.rego:12:5: ...``) via :meth:`AilmError.within`.
"""

from __future__ import annotations

EXIT_COMPLIANT = 0
EXIT_NON_COMPLIANT = 1
EXIT_NO_VERDICT = 2

# Messages that tests assert are named constants.
MSG_NO_RESULT = "no decision: the evaluator returned no result"


class AilmError(Exception):
    """Base of every error ailm reports to a user. ``str(err)`` is the whole message."""

    exit_code = EXIT_NO_VERDICT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def within(self, context: str) -> AilmError:
        """Return the same kind of error with ``context: `` prefixed to the message."""
        err = type(self)(f"{context}: {self.message}")
        err.__cause__ = self
        return err

    def __str__(self) -> str:
        return self.message


class InputError(AilmError):
    """A file the user gave us is missing, unreadable or malformed."""


class ConfigError(InputError):
    """The audit configuration is malformed."""


class CollectorError(AilmError):
    """A collector could not read its source."""


class PolicyError(AilmError):
    """A policy does not parse, compile or evaluate."""


class EvaluatorError(AilmError):
    """The policy evaluator could not give a decision."""


class SigningError(AilmError):
    """Keys or signatures could not be read or produced."""


class UnknownNameError(AilmError):
    """A name chosen from a registry (collector, evaluator, renderer) is not known."""

    def __init__(self, message: str) -> None:
        super().__init__(message)

    @classmethod
    def of(cls, what: str, name: str, known: list[str] | tuple[str, ...]) -> UnknownNameError:
        return cls(f"unknown {what} {name!r}; known: {', '.join(sorted(known))}")


class AnalysisError(AilmError):
    """An analyzer could not measure what it was asked to."""
