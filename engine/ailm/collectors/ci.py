"""The CI context collector: who ran the audit, on which commit, branch and pipeline, from the environment
variables GitHub Actions and GitLab CI set.

Settings: ``model`` (the registered model the audit is about). Outside CI the collector fails (there is
nothing to record); mark it ``optional: true`` so local runs leave a note instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ailm.collectors.base import CollectContext, Collection
from ailm.errors import CollectorError
from ailm.evidence import ids
from ailm.evidence.model import Evidence, Node, Source
from ailm.plugins import Plugin

COLLECTOR = "ci"


def github(env: Mapping[str, str]) -> dict[str, Any]:
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    repo = env.get("GITHUB_REPOSITORY")
    run_id = env.get("GITHUB_RUN_ID")
    return {
        "provider": "github-actions",
        "repository": repo,
        "commit": env.get("GITHUB_SHA"),
        "ref": env.get("GITHUB_REF"),
        "event": env.get("GITHUB_EVENT_NAME"),
        "workflow": env.get("GITHUB_WORKFLOW"),
        "job": env.get("GITHUB_JOB"),
        "run_id": run_id,
        "run_attempt": env.get("GITHUB_RUN_ATTEMPT"),
        "actor": env.get("GITHUB_ACTOR"),
        "triggering_actor": env.get("GITHUB_TRIGGERING_ACTOR"),
        "run_url": f"{server}/{repo}/actions/runs/{run_id}" if repo and run_id else None,
    }


def gitlab(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "provider": "gitlab-ci",
        "repository": env.get("CI_PROJECT_PATH"),
        "commit": env.get("CI_COMMIT_SHA"),
        "ref": env.get("CI_COMMIT_REF_NAME"),
        "event": env.get("CI_PIPELINE_SOURCE"),
        "workflow": env.get("CI_PIPELINE_NAME"),
        "job": env.get("CI_JOB_NAME"),
        "run_id": env.get("CI_PIPELINE_ID"),
        "job_id": env.get("CI_JOB_ID"),
        "actor": env.get("GITLAB_USER_LOGIN"),
        "run_url": env.get("CI_PIPELINE_URL"),
    }


class CiCollector:
    def __init__(self, *, model: str, env: Mapping[str, str] | None = None) -> None:
        self.model = model
        self.env = env

    def collect(self, ctx: CollectContext) -> Collection:
        env = self.env if self.env is not None else os.environ
        if env.get("GITHUB_ACTIONS") == "true":
            data = github(env)
        elif env.get("GITLAB_CI") == "true":
            data = gitlab(env)
        else:
            raise CollectorError("not running in GitHub Actions or GitLab CI (GITHUB_ACTIONS / GITLAB_CI unset)")
        if not data["commit"]:
            raise CollectorError(f"{data['provider']}: the commit variable is empty")
        node = ids.model(self.model)
        record = Evidence.make(
            kind=f"ci.{data['provider']}",
            id=f"ci:{data['provider']}:{data['run_id']}:{self.model}",
            role="ci",
            subject=node,
            source=Source(collector=COLLECTOR, uri=data["run_url"] or f"{data['provider']}:{data['run_id']}"),
            data=data,
        )
        return Collection(records=[record], nodes=[Node(id=node, type="model", attrs={"name": self.model})])


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(min_length=1, description="the registered model the audit is about")


plugin = Plugin(
    kind="collector",
    name="ci",
    summary="the CI run that audits (GitHub Actions or GitLab CI: commit, workflow, actor, run URL)",
    settings=Settings,
    build=lambda s: CiCollector(model=s.model),
    roles={"ci": "one"},
)
