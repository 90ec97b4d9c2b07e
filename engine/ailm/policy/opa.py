"""The OPA server evaluator: the same policies on an OPA server, through opa-python-client.

Two modes. ``upload`` (the default), in order (the contract tests hold it exactly):
1. ``GET /health``: the server must answer 200 before anything is uploaded.
2. ``PUT /v1/policies/ailm/<file>`` for every policy module, as text, helper libraries before the controls
   that import them (OPA compiles each upload against what is already loaded, and refuses a module that
   calls a function it does not know yet); the client's ``rego_compat`` rewrite is off, so what runs is
   what is in the repository.
3. ``PUT /v1/data/<path>`` for the threshold data (``data.ailm.<key>`` for each key of ``data.ailm``).
4. ``POST /v1/data/ailm/controls?strict-builtin-errors=true`` with ``{"input": ...}`` once per subject. A
   built-in that fails is an error, not an undefined expression; a response without ``result`` is no
   decision. Either is an error, never a pass.

``query``, for an OPA that serves the policies itself (``opa run --server --bundle ailm-bundle.tar.gz``, or
bundles pulled from a bundle server): nothing is uploaded. After the health check, ``GET
/v1/data/system/bundles`` must show a bundle with root ``ailm`` whose revision is the local policy set's
digest (what ``ailm policy bundle`` writes), so the report's policy digest is what the server ran;
otherwise the audit stops, unless ``check_revision`` is off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field

from ailm.errors import MSG_NO_RESULT, EvaluatorError
from ailm.plugins import Plugin
from ailm.policy.embedded import walk_package
from ailm.policy.evaluator import Decision, decision_from
from ailm.policy.policyset import PolicyFile, PolicySet

POLICY_ID_PREFIX = "ailm/"
DEFAULT_TIMEOUT = 5.0
Mode = Literal["upload", "query"]
MODES: tuple[str, ...] = ("upload", "query")
_IMPORT = re.compile(r"^import\s+data\.([\w.]+)", re.M)
_DATA_REF = re.compile(r"\bdata\.([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)")


def upload_order(modules: list[PolicyFile]) -> list[PolicyFile]:
    """Modules in dependency order: a module after every module whose package it imports or refers to
    (``import data.ailm.lib``, ``data.ailm.lib.f(x)``), in file order otherwise. A cycle keeps file order."""
    from ailm.policy.metadata import package_of

    by_package = {package_of(m.text): m for m in modules}
    deps: dict[str, set[str]] = {}
    for m in modules:
        refs = set(_IMPORT.findall(m.text)) | set(_DATA_REF.findall(m.text))
        mine = package_of(m.text)
        deps[m.display] = {
            by_package[p].display
            for ref in refs
            for p in by_package
            if p and p != mine and (ref == p or ref.startswith(p + "."))
        }
    done: list[PolicyFile] = []
    seen: set[str] = set()

    def visit(m: PolicyFile, stack: tuple[str, ...]) -> None:
        if m.display in seen or m.display in stack:
            return
        for d in sorted(deps[m.display]):
            visit(next(x for x in modules if x.display == d), (*stack, m.display))
        seen.add(m.display)
        done.append(m)

    for m in modules:
        visit(m, ())
    return done


def _describe(exc: Exception, timeout: float) -> str:
    import requests

    if isinstance(exc, requests.exceptions.Timeout):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS error: {exc}"
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = str(exc)
        return "connection refused" if "refused" in text.lower() else f"cannot connect: {text}"
    if isinstance(exc, requests.exceptions.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}: {_opa_message(exc.response)}"
    return f"{type(exc).__name__}: {exc}"


def _opa_message(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return (response.text or "").strip()[:300] or "(empty body)"
    if isinstance(body, dict):
        errors = body.get("errors") or []
        if errors and isinstance(errors[0], dict):
            first = errors[0]
            loc = first.get("location") or {}
            where = f"{loc.get('file')}:{loc.get('row')}:{loc.get('col')}: " if loc.get("file") else ""
            return f"{where}{first.get('message', '')}".strip()
        return str(body.get("message") or body)
    return str(body)[:300]


class OpaEvaluator:
    def __init__(
        self,
        policies: PolicySet,
        *,
        url: str,
        token: str | None = None,
        ca_cert: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        mode: Mode = "upload",
        check_revision: bool = True,
    ) -> None:
        from opa_client import OpaClient

        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise EvaluatorError(f"--opa-url {url!r}: expected http://host:port or https://host:port")
        self.url = url.rstrip("/")
        self.policies = policies
        self.timeout = timeout
        cert: str | tuple[str, str] | None = (client_cert, client_key) if client_cert and client_key else client_cert
        self.client = OpaClient(
            host=parsed.hostname,
            port=parsed.port or (443 if parsed.scheme == "https" else 80),
            ssl=parsed.scheme == "https",
            cert=cert,
            token=token,
            timeout=timeout,
        )
        if ca_cert:
            self.client._session.verify = ca_cert  # the client has no option for a private CA
        self.mode = mode
        self._check_health()
        if mode == "query":
            self._check_bundle(check_revision)
        else:
            self._upload()

    def _fail(self, doing: str, exc: Exception) -> EvaluatorError:
        return EvaluatorError(f"OPA at {self.url}: {doing}: {_describe(exc, self.timeout)}")

    def _check_health(self) -> None:
        import requests

        if self.client.check_health():
            return
        try:  # check_health says only yes or no; ask once more to say why
            response = self.client._session.get(f"{self.url}/health", timeout=self.timeout)
            reason = f"HTTP {response.status_code}: {_opa_message(response)}"
        except requests.exceptions.RequestException as exc:
            reason = _describe(exc, self.timeout)
        raise EvaluatorError(f"OPA at {self.url}: not healthy: {reason}")

    def _upload(self) -> None:
        import requests
        from opa_client.errors import RegoParseError

        for module in upload_order(self.policies.modules):
            policy_id = POLICY_ID_PREFIX + module.display
            try:
                self.client.update_policy_from_string(module.text, policy_id, rego_compat=False)
            except RegoParseError as exc:
                detail = _opa_message(_Body({"errors": exc.errors, "message": exc.message}))
                raise EvaluatorError(f"OPA at {self.url}: upload {module.display}: {detail}") from None
            except (requests.exceptions.RequestException, ValueError) as exc:
                raise self._fail(f"upload {module.display}", exc) from None
        for path, doc in data_documents(self.policies.data):
            try:
                self.client.update_or_create_data(doc, path)
            except RegoParseError as exc:
                raise EvaluatorError(f"OPA at {self.url}: upload data {path}: {exc.message}") from None
            except (requests.exceptions.RequestException, ValueError) as exc:
                raise self._fail(f"upload data {path}", exc) from None

    def _check_bundle(self, check_revision: bool) -> None:
        """In query mode: the server must serve this policy set, by the revision of its bundle."""
        import requests

        try:
            response = self.client._session.get(f"{self.url}/v1/data/system/bundles", timeout=self.timeout)
            response.raise_for_status()
            body = response.json()
        except (requests.exceptions.RequestException, ValueError) as exc:
            raise self._fail("read /v1/data/system/bundles", exc) from None
        bundles = body.get("result") if isinstance(body, dict) else None
        served: dict[str, Any] = {}
        for name, info in bundles.items() if isinstance(bundles, dict) else []:
            manifest = info.get("manifest") if isinstance(info, dict) else None
            if not isinstance(manifest, dict):
                continue
            roots = manifest.get("roots")
            if isinstance(roots, list) and any(r in ("", "ailm") or "ailm".startswith(f"{r}/") for r in roots):
                served[str(name)] = manifest.get("revision")
        if not served:
            raise EvaluatorError(
                f"OPA at {self.url}: query mode, but the server serves no bundle with root 'ailm' "
                "(start it with `opa run --server --bundle` on the file `ailm policy bundle` writes)"
            )
        want = self.policies.digest()
        if check_revision and want not in served.values():
            got = ", ".join(f"{n}: {r}" for n, r in sorted(served.items(), key=lambda kv: kv[0]))
            raise EvaluatorError(
                f"OPA at {self.url}: the server's bundle revision ({got}) is not this policy set's digest {want}: "
                "it runs other policies than the report would name (rebuild the bundle with `ailm policy "
                "bundle`, or pass --no-opa-revision-check)"
            )

    def evaluate(self, policy_input: Mapping[str, Any]) -> dict[str, Decision]:
        import requests

        try:
            response = self.client.query_rule(
                dict(policy_input), "ailm", "controls", query_params={"strict-builtin-errors": "true"}
            )
        except (requests.exceptions.RequestException, ValueError) as exc:
            raise self._fail("query data.ailm.controls", exc) from None
        if not isinstance(response, dict) or "result" not in response:
            raise EvaluatorError(f"OPA at {self.url}: query data.ailm.controls: {MSG_NO_RESULT}")
        tree = response["result"]
        return {c.id: decision_from(walk_package(tree, c.package)) for c in self.policies.controls}


class _Body:
    """Lets _opa_message read an error the client already decoded."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.text = ""

    def json(self) -> dict[str, Any]:
        return self.body


def data_documents(data: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Split ``data`` into documents OPA can take without clashing with the ``ailm.*`` policy packages."""
    docs: list[tuple[str, dict[str, Any]]] = []
    for root, value in sorted(data.items()):
        if root == "ailm" and isinstance(value, dict):
            docs += [(f"ailm/{k}", v) for k, v in sorted(value.items()) if isinstance(v, dict)]
        elif isinstance(value, dict):
            docs.append((root, value))
    return docs


class Settings(BaseModel):
    """The OPA evaluator's settings: in the config under ``evaluator:``, or from the ``--opa-*`` flags (which win).
    The token is never read from the config file: it comes from ``--opa-token`` or ``AILM_OPA_TOKEN``."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=1, description="the OPA server, e.g. http://127.0.0.1:8181")
    token: str | None = Field(default=None, description="bearer token (from --opa-token or AILM_OPA_TOKEN only)")
    ca_cert: str | None = Field(default=None, min_length=1, description="CA bundle to verify OPA's certificate")
    client_cert: str | None = Field(default=None, min_length=1, description="client certificate for mutual TLS")
    client_key: str | None = Field(default=None, min_length=1, description="client key for mutual TLS")
    timeout: float = Field(default=DEFAULT_TIMEOUT, gt=0, le=3600, description="seconds per request")
    mode: Mode = Field(default="upload", description="upload the policies, or query a server that serves the bundle")
    check_revision: bool = Field(default=True, description="query mode: the bundle revision must be the local digest")


def _build(settings: Settings, policies: PolicySet) -> OpaEvaluator:
    if not settings.url:
        raise EvaluatorError("the opa evaluator needs a server: --opa-url, AILM_OPA_URL or evaluator.url")
    return OpaEvaluator(
        policies,
        url=settings.url,
        token=settings.token,
        ca_cert=settings.ca_cert,
        client_cert=settings.client_cert,
        client_key=settings.client_key,
        timeout=settings.timeout,
        mode=settings.mode,
        check_revision=settings.check_revision,
    )


plugin = Plugin(
    kind="evaluator",
    name="opa",
    summary="an OPA server (opa-python-client): upload the policies, or query one that serves the bundle",
    settings=Settings,
    build=_build,
)
