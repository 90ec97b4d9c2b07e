# Helpers shared by the controls: uniform messages for missing and expired evidence, and time arithmetic
# on the audit clock (input.as_of_ns). Policies never read wall time.
package ailm.lib

import rego.v1

ns_per_day := 86400000000000

# The message for a role whose evidence is absent: an expired declared fact says so.
absent(role) := msg if {
	some e in input.expired
	e.role == role
	msg := sprintf("evidence '%s' (%s) expired on %s and counts as missing", [role, e.id, e.expires])
}

absent(role) := msg if {
	not expired(role)
	msg := sprintf("evidence '%s' is missing", [role])
}

expired(role) if {
	some e in input.expired
	e.role == role
}

# Ids to cite for a missing role: the expired record if there is one.
absent_ids(role) := [e.id | some e in input.expired; e.role == role]

filled(x) if {
	is_string(x)
	trim_space(x) != ""
}

filled(x) if {
	is_array(x)
	count(x) > 0
}

filled(x) if is_number(x)

filled(x) if is_boolean(x)

filled(x) if {
	is_object(x)
	count(x) > 0
}

# A date ("2026-10-01") or an RFC 3339 time as nanoseconds since the epoch.
ns(s) := time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [s])) if count(s) == 10

ns(s) := time.parse_rfc3339_ns(s) if count(s) != 10

days_since(s) := (input.as_of_ns - ns(s)) / ns_per_day

thresholds := data.ailm.thresholds

# One decimal, printed with %v: sprintf's %f differs between Rego engines on whole numbers.
round1(x) := round(x * 10) / 10

# A subject is deployed when a deployment fact is declared for it.
deployed if input.evidence.deployment

# The fairness measurement of one sensitive feature (or "a x b" intersection) in a `fair` record.
fairness_of(fair, f) := m if {
	some m in fair.data.result.features
	m.feature == f
	m.status != "feature_absent"
}

# "CI 0.30-0.37" (the bootstrap interval) for a summary of a fairness measurement, or "no interval".
ci(m, name) := sprintf("CI %v-%v", [lo, hi]) if {
	[lo, hi] := m.confidence_intervals[name]
}

ci(m, name) := "no interval" if not is_array(m.confidence_intervals[name])
