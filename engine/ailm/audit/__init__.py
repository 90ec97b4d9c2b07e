"""Running an audit and the result it produces."""

from ailm.audit.result import AuditResult, ControlResult, Status

__all__ = ["AuditResult", "ControlResult", "Status"]
