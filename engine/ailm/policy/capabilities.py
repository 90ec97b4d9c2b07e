"""Which built-in functions a policy may call, checked when the policies load (as ``opa check
--capabilities`` does): pure functions that both regorus and OPA implement.

A control must decide from its input alone and the same way in every engine. ``http.send`` is undefined in
regorus (a deny that calls it never fires, so the control passes) and reaches the network in OPA;
``time.now_ns`` reads the wall clock instead of the audit clock; ``rand.*`` and ``uuid.*`` differ between
runs; ``net.*`` and ``opa.runtime`` read the machine. Those, and any built-in outside the list below, are
refused with ``file:line:col``.
"""

from __future__ import annotations

import json
from typing import Any

from ailm.errors import PolicyError

REFUSED_PREFIXES = ("http.", "net.", "rand.", "uuid.", "opa.", "io.", "crypto.x509.", "providers.", "rego.")
REFUSED = frozenset({"time.now_ns", "opa.runtime", "trace"})

_ALLOWED_TEXT = """
    count sum product max min sort all any
    array.concat array.slice array.reverse intersection union
    object.get object.remove object.union object.union_n object.filter object.keys object.subset
    json.filter json.remove json.patch json.marshal json.marshal_with_options json.unmarshal json.is_valid
    yaml.marshal yaml.unmarshal yaml.is_valid
    concat contains endswith startswith format_int indexof indexof_n lower upper replace split sprintf
    substring trim trim_left trim_prefix trim_right trim_suffix trim_space
    strings.replace_n strings.reverse strings.any_prefix_match strings.any_suffix_match strings.count
    regex.match regex.is_valid regex.split regex.find_n regex.replace regex.find_all_string_submatch_n
    regex.template_match regex.globs_match glob.match glob.quote_meta
    abs ceil floor round numbers.range numbers.range_step to_number
    is_number is_string is_boolean is_array is_set is_object is_null type_name
    base64.encode base64.decode base64.is_valid base64url.encode base64url.decode base64url.encode_no_pad
    hex.encode hex.decode urlquery.encode urlquery.decode urlquery.encode_object urlquery.decode_object
    time.parse_rfc3339_ns time.parse_ns time.parse_duration_ns time.date time.clock time.weekday
    time.add_date time.diff time.format
    crypto.sha256 crypto.sha1 crypto.md5 crypto.hmac.sha256 crypto.hmac.sha512 crypto.hmac.equal
    units.parse units.parse_bytes semver.is_valid semver.compare
    bits.and bits.or bits.xor bits.negate bits.lsh bits.rsh
    walk graph.reachable graph.reachable_paths print
"""
ALLOWED = frozenset(_ALLOWED_TEXT.split())


def _name(node: Any) -> str | None:
    if not isinstance(node, dict):
        return None
    if "Var" in node:
        return str(node["Var"]["value"])
    if "RefDot" in node:
        inner = _name(node["RefDot"]["refr"])
        return f"{inner}.{node['RefDot']['field'][1]}" if inner else None
    return None


def _calls(node: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Call" and isinstance(value, dict):
                out.append(value)
            _calls(value, out)
    elif isinstance(node, list):
        for value in node:
            _calls(value, out)


def check(ast_json: str) -> None:
    """Refuse a module (regorus's AST of the loaded policies) that calls a built-in outside the list."""
    for module in json.loads(ast_json):
        path = module.get("source", {}).get("file", "?")
        ast = module.get("ast", {})
        local = set()  # names that are not built-ins: imports' aliases, the package's own functions
        for imp in ast.get("imports", []):
            name = _name(imp.get("refr"))
            if name:
                local.add(str(imp.get("as") or name.rsplit(".", 1)[-1]))
        for rule in ast.get("rules", []):
            head = (rule.get("Spec") or {}).get("head") or {}
            for kind in head.values():
                if isinstance(kind, dict):
                    name = _name(kind.get("refr"))
                    if name:
                        local.add(name.split(".", 1)[0])
        calls: list[dict[str, Any]] = []
        _calls(ast.get("rules", []), calls)
        for call in calls:
            name = _name(call.get("fcn"))
            if name is None or name.split(".", 1)[0] in local or name.startswith("data."):
                continue
            span = call.get("span", {})
            where = f"{path}:{span.get('line')}:{span.get('col')}"
            if name in REFUSED or name.startswith(REFUSED_PREFIXES):
                raise PolicyError(
                    f"{where}: {name} is not allowed in a policy: controls decide from their input alone "
                    "(the audit clock is input.as_of_ns)"
                )
            if name not in ALLOWED:
                raise PolicyError(
                    f"{where}: {name} is not a built-in every ailm engine has (see ailm.policy.capabilities)"
                )
