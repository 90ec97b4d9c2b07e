"""What the bundled demo must give, control by control, as of 2026-11-23 (one place for every test)."""

DEMO_PASS = {
    "DATA-001", "DATA-002", "DATA-005", "DATA-006", "DATA-008", "DATA-009", "DATA-010", "DEP-002", "DEP-004", "DEP-005",
    "DEP-008", "DEV-009",
    "DEP-006", "DEV-002", "GOV-001", "GOV-002", "GOV-003", "GOV-005", "MON-001", "MON-002", "MON-006",
    "PLN-001", "PLN-002", "PLN-004", "RET-001", "RET-002",
}  # fmt: skip
DEMO_FAIL = {
    "DATA-003", "DATA-004", "DEP-001", "DEP-003", "DEP-007", "DEV-001", "DEV-003", "DEV-004", "DEV-005",
    "DEV-006", "DEV-007", "DEV-008", "GOV-004", "MON-003", "MON-004", "MON-005", "PLN-003",
}  # fmt: skip
DEMO_NOT_APPLICABLE = {
    "DATA-007", "RET-003", "RET-004", "RET-005", "RET-006", *(f"GEN-{n:03d}" for n in range(1, 11)),
}  # fmt: skip
DEMO_MEDIUM_FAIL = {"DATA-003", "DEV-007"}  # below the demo's fail_on: high
DEMO_CRITICAL_FAIL = {"DEP-001", "DEP-003", "DEV-003", "DEV-004", "DEV-008", "MON-003", "MON-004", "PLN-003"}
