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

# Ids to cite for a missing role: the expired record if there is one, else the subject's registry record
# (the version the evidence is missing for), so that every finding names a record.
absent_ids(role) := [e.id | some e in input.expired; e.role == role] if expired(role)

absent_ids(role) := id_of("reg") if not expired(role)

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

# The fields of a record's data that are absent or empty.
unfilled(rec, fields) := {f | some f in fields; not filled(object.get(rec.data, f, null))}

# The data of a role's record, or {} when the role is absent.
data_of(role) := object.get(object.get(input.evidence, role, {}), "data", {})

# Whole days from date (or time) a to date (or time) b.
days_between(a, b) := (ns(b) - ns(a)) / ns_per_day

# The id of a role's record as a one-element list, or [] (for citing optional context).
id_of(role) := [input.evidence[role].id] if is_object(input.evidence[role])

id_of(role) := [] if not is_object(input.evidence[role])

# Declared dataset facts, by dataset name.
dataset_facts := {f.data.name: f | some f in object.get(input.evidence, "ds_facts", [])}

# The subject uses personal data: a dataset declares it, or the measured scan found it in a split.
personal_data if {
	some f in object.get(input.evidence, "ds_facts", [])
	f.data.personal_data == true
}

personal_data if {
	some d in input.evidence.data_scan.data.result.datasets
	count(d.personal_data) > 0
}

# The lifecycle status declared in the retirement facts ("active" when none is declared).
lifecycle_status := object.get(data_of("retirement"), "status", "active")

retired if lifecycle_status == "retired"

# A generative model: the inventory says so, or a base model is declared.
generative if data_of("inventory").model_type in {"generative", "llm", "foundation"}

generative if input.evidence.base_model
