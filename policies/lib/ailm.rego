# Helpers shared by the controls. Two rules hold for every one of them, so that a control means the same
# under regorus and under OPA, and missing or mistyped evidence fails instead of passing:
#
# 1. A helper is defined for any argument it can be given. In OPA an undefined reference passed to a
#    function makes the whole rule body undefined, even under `not` (`not f(input.x.y)` never fires when
#    input.x.y is absent), while regorus reads the negation as true. Controls therefore read evidence only
#    through rec/has/records/data_of/get/at, which give null, [] or {} for what is absent, and never pass a
#    bare input reference to a function under `not`.
# 2. A helper never raises on a value of the wrong type (a string where a number was expected, a list
#    where an object was): built-ins that would fail (time parsing, arithmetic, count, iteration) are
#    guarded by a type check, and the controls report the wrong type as a finding (not_a_number,
#    not_a_date, not_a_list).
#
# Policies never read wall time: the audit clock is input.as_of_ns.
package ailm.lib

import rego.v1

ns_per_day := 86400000000000

thresholds := data.ailm.thresholds

# ---- reading evidence ------------------------------------------------------------------------------------

evidence := e if {
	e := input.evidence
	is_object(e)
} else := {}

# The record of a one-record role (an object), or null.
rec(role) := r if {
	r := evidence[role]
	is_object(r)
} else := null

has(role) if is_object(evidence[role])

# The records of a many-record role, or [].
records(role) := [r | some r in evidence[role]; is_object(r)] if is_array(evidence[role]) else := []

# The data of a role's record, or {}.
data_of(role) := d if {
	d := evidence[role].data
	is_object(d)
} else := {}

# A field of an object, or null (null too when x is not an object).
get(x, key) := object.get(x, key, null) if is_object(x) else := null

# The value at a path of fields and indexes, or null.
at(x, path) := object.get(x, path, null) if is_object(x) else := null

# x when it is a list, else [] (to iterate over what should be a list without an error).
list(x) := x if is_array(x) else := []

# x when it is an object, else {}.
obj(x) := x if is_object(x) else := {}

# The id of a role's record as a one-element list, or [] (for citing optional context).
id_of(role) := [r.id] if {
	r := rec(role)
	is_string(r.id)
} else := []

# ---- absent and expired evidence -------------------------------------------------------------------------

expired_facts := [e | some e in input.expired; is_object(e)] if is_array(input.expired) else := []

expired_of(role) := [e | some e in expired_facts; e.role == role]

expired(role) if count(expired_of(role)) > 0

# The message for a role whose evidence is absent: an expired declared fact says so.
absent(role) := sprintf("evidence '%s' (%s) expired on %s and counts as missing", [role, label(get(e, "id")), label(get(e, "expires"))]) if {
	e := expired_of(role)[0]
	get(e, "reason") != "asserted_after_as_of"
} else := sprintf("evidence '%s' (%s) was asserted on %s, after the audit clock, and counts as missing", [role, label(get(e, "id")), label(get(e, "asserted_at"))]) if {
	e := expired_of(role)[0]
} else := sprintf("evidence '%s' is missing", [role])

# Ids to cite for a missing role: the expired record if there is one, else the subject's registry record
# (the version the evidence is missing for), so that every finding names a record.
absent_ids(role) := [e.id | some e in expired_of(role); is_string(e.id)] if expired(role) else := id_of("reg")

# ---- values ----------------------------------------------------------------------------------------------

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

# The fields of a record's data that are absent or empty.
unfilled(rec, fields) := {f | some f in fields; not filled(get(get(rec, "data"), f))}

# A value as a finding shows it: "missing", a number, a quoted string, or its kind.
show(v) := "missing" if v == null

show(v) := sprintf("%s (a number)", [fmt(v)]) if is_number(v)

show(v) := sprintf("%s (a string)", [json.marshal(v)]) if {
	is_string(v)
	count(v) <= 40
}

show(v) := sprintf("%s... (a string)", [json.marshal(substring(v, 0, 40))]) if {
	is_string(v)
	count(v) > 40
}

show(v) := sprintf("%v (a boolean)", [v]) if is_boolean(v)

show(v) := sprintf("a list of %d", [count(v)]) if is_array(v)

show(v) := "an object" if is_object(v)

show(v) := "a set" if is_set(v)

# A value as a message names it: a string as it is, a number as fmt writes it, anything else as show does.
label(v) := v if is_string(v)

label(v) := fmt(v) if is_number(v)

label(v) := show(v) if {
	not is_string(v)
	not is_number(v)
}

not_a_number(what, v) := sprintf("%s is %s, not a number", [what, show(v)])

not_a_date(what, v) := sprintf("%s is %s, not a date (YYYY-MM-DD or RFC 3339)", [what, show(v)])

not_a_list(what, v) := sprintf("%s is %s, not a list", [what, show(v)])

# A number as text, the same in every engine: whole numbers as digits, others to six decimals (whole
# above 10^9, where doubles no longer hold six).
# (sprintf's %v writes 1e-05 in one engine and 0.00001 in the other.)
fmt(x) := format_int(x, 10) if {
	x == floor(x)
	abs(x) < 1000000000000000
}

fmt(x) := text if {
	x != floor(x)
	abs(x) < 1000000000
	parts := split_number(abs(x))
	text := decimal(sign(x), parts[0], parts[1])
}

fmt(x) := format_int(round(x), 10) if {
	x != floor(x)
	abs(x) >= 1000000000
	abs(x) < 1000000000000000
}

fmt(x) := "more than 10^15" if x >= 1000000000000000

fmt(x) := "less than -10^15" if x <= -1000000000000000

sign(x) := "-" if x < 0 else := ""

decimal(sgn, whole, millionths) := sprintf("%s%s.%s", [sgn, format_int(whole, 10), frac]) if {
	millionths > 0
	frac := trim_right(sprintf("%06d", [millionths]), "0")
}

decimal(sgn, whole, 0) := sprintf("%s%s", [sgn, format_int(whole, 10)]) if whole > 0

decimal(sgn, 0, 0) := sprintf("%sless than 0.000001", [sgn])

# [whole part, millionths] of a non-negative number, rounded to the nearest millionth.
split_number(a) := [w, m] if {
	total := round(a * 1000000)
	w := floor(total / 1000000)
	m := total - (w * 1000000)
}

# One decimal, for ages in days and percentages.
round1(x) := round(x * 10) / 10

# ---- dates on the audit clock ----------------------------------------------------------------------------

date_pattern := `^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$`

# A date ("2026-10-01") or an RFC 3339 time that names a day that exists.
is_date(v) if {
	is_string(v)
	regex.match(date_pattern, v)
	substring(v, 8, 2) <= month_days(substring(v, 0, 4), substring(v, 5, 2))
}

month_days(_, m) := "31" if m in {"01", "03", "05", "07", "08", "10", "12"}

month_days(_, m) := "30" if m in {"04", "06", "09", "11"}

month_days(y, "02") := "29" if leap(y)

month_days(y, "02") := "28" if not leap(y)

leap(y) if {
	n := to_number(y)
	n % 4 == 0
	n % 100 != 0
}

leap(y) if to_number(y) % 400 == 0

# A date or time as nanoseconds since the epoch; undefined for anything that is not a date.
ns(s) := time.parse_rfc3339_ns(concat("", [s, "T00:00:00Z"])) if {
	is_date(s)
	count(s) == 10
}

ns(s) := time.parse_rfc3339_ns(s) if {
	is_date(s)
	count(s) > 10
}

# The audit clock; controls that judge dates fail with msg_no_clock when it is absent.
now := n if {
	n := input.as_of_ns
	is_number(n)
}

no_clock if not is_number(object.get(input, "as_of_ns", null))

msg_no_clock := "the input has no audit clock (as_of_ns), so no date can be judged"

days_since(s) := (now - ns(s)) / ns_per_day

# Whole days from date (or time) a to date (or time) b.
days_between(a, b) := (ns(b) - ns(a)) / ns_per_day

# ---- what the subject is ---------------------------------------------------------------------------------

# A subject is deployed when a deployment fact is declared for it.
deployed if has("deployment")

# Declared dataset facts, by dataset name (the first record when two name one dataset).
dataset_facts := {name: f |
	some f in records("ds_facts")
	name := get(f.data, "name")
	is_string(name)
	f == [g | some g in records("ds_facts"); get(g.data, "name") == name][0]
}

# The subject uses personal data: a dataset declares it, or the measured scan found it in a split.
personal_data if {
	some f in records("ds_facts")
	get(f.data, "personal_data") == true
}

personal_data if {
	some d in list(at(data_of("data_scan"), ["result", "datasets"]))
	count(list(get(d, "personal_data"))) > 0
}

# The lifecycle status: "retired" when the registry marks the version retired (a tag lifecycle=retired, or
# MLflow's Archived stage), whatever the declared facts say; else the status declared in the retirement facts;
# "active" when neither says.
lifecycle_status := "retired" if {
	registry_retired
} else := s if {
	s := get(data_of("retirement"), "status")
	is_string(s)
} else := "active"

registry_retired if get(get(data_of("reg"), "tags"), "lifecycle") == "retired"

registry_retired if get(data_of("reg"), "stage") == "Archived"

# A control about a retired version, when the version has no retirement record to judge.
retired_unrecorded := sprintf("the version is retired, but %s", [absent("retirement")])

retired if lifecycle_status == "retired"

# A generative model: the inventory says so, or a base model is declared.
generative if get(data_of("inventory"), "model_type") in {"generative", "llm", "foundation"}

generative if has("base_model")

# ---- fairness records ------------------------------------------------------------------------------------

# The measurement of one sensitive feature (or "a x b" intersection) in a `fair` record's data.
fairness_of(fair_data, f) := m if {
	some m in list(at(fair_data, ["result", "features"]))
	get(m, "feature") == f
	get(m, "status") != "feature_absent"
}

# "CI 0.3-0.37" (the bootstrap interval) for a summary of a fairness measurement, or "no interval".
ci(m, name) := sprintf("CI %s-%s", [fmt(lo), fmt(hi)]) if {
	[lo, hi] := at(m, ["confidence_intervals", name])
	is_number(lo)
	is_number(hi)
} else := "no interval"
