"""The fleet dashboard, opened from disk in a real headless browser (Debian's chromium, driven by Playwright):
its rows, the links to each version's own report, the trend charts from the history, no console error and no
request leaving the folder. And the same page printed: the fleet PDF."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from test_dask import _clock
from test_fleet import _two_versions

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def fleet_out(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two audits of a two-version fleet, recorded in one history: the second one's folder."""
    import subprocess
    import sys

    tmp = tmp_path_factory.mktemp("dashboard")
    folder = tmp / "cfg"
    shutil.copytree(demo_root / "evidence" / "demo", folder, ignore=shutil.ignore_patterns("data"))
    text = (
        (folder / "ailm.yaml")
        .read_text()
        .replace("../../.ailm/demo/mlflow.db", str(demo_root / ".ailm/demo/mlflow.db"))
    )
    text = text.replace("../../.ailm/history.db", str(tmp / "history.db")).replace(
        "../../.ailm/", f"{demo_root}/.ailm/"
    )
    (folder / "ailm.yaml").write_text(text)
    manifest = (folder / "manifest.yaml").read_text().replace("../../.ailm/", f"{demo_root}/.ailm/")
    (folder / "manifest.yaml").write_text(manifest.replace("uri: data/", f"uri: {demo_root}/evidence/demo/data/"))
    cfg = _two_versions(demo_root, folder, tmp)
    from datetime import date, timedelta

    later = (date.fromisoformat(_clock()) + timedelta(days=30)).isoformat()
    for n, clock in enumerate((_clock(), later)):  # the first audit only feeds the history's trends: json only
        proc = subprocess.run(
            [sys.executable, "-m", "ailm.cli", "audit", "--config", str(cfg), "--out", str(tmp / f"out{n}"),
             "--no-sign", "--format", "json,html,pdf" if n else "json", "--as-of", clock],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert proc.returncode == 1, proc.stderr
    return tmp / "out1"


def test_the_fleet_dashboard_opens_from_disk_with_rows_links_and_charts(fleet_out: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: `make system-deps` installs it"
    page_url = (fleet_out / "report.html").as_uri()
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

        def guard(route, request):  # type: ignore[no-untyped-def]
            if not request.url.startswith(fleet_out.as_uri() + "/"):
                problems.append(f"request leaving the folder: {request.url}")
                return route.abort()
            return route.continue_()

        page.route("**/*", guard)
        page.goto(page_url)
        rows = page.locator("table#fleet tbody tr.subject")
        assert rows.count() == 2
        subjects = [rows.nth(i).get_attribute("data-subject") for i in range(2)]
        assert sorted(subjects) == ["model_version:adult-income/1", "model_version:adult-income/2"]  # type: ignore[type-var]
        for i in range(2):
            link = rows.nth(i).locator("a").first
            href = link.get_attribute("href")
            assert href in ("adult-income/1/report.html", "adult-income/2/report.html")
            assert (fleet_out / href).is_file()
            assert rows.nth(i).locator("td.spark svg polyline").count() == 1  # two recorded audits: a line
        assert page.locator("table#controls tbody tr").count() >= 10  # the controls that fail across the fleet
        assert page.locator("table#upcoming tbody tr").count() >= 1
        trends = page.locator("section.over-time div.trend")
        assert trends.count() == 2 and trends.first.locator("svg").count() == 3  # parity, drift, accuracy
        page.screenshot(path=str(tmp_path / "fleet.png"), full_page=True)
        rows.nth(0).locator("a").first.click()  # follow a link to a version's own report, from disk
        page.wait_for_load_state()
        assert page.url.endswith("/report.html") and page.url != page_url
        assert "Measured evidence for" in page.content()
        browser.close()
    assert problems == []
    assert (tmp_path / "fleet.png").stat().st_size > 50_000


def test_the_fleet_pdf_is_the_dashboard_printed(fleet_out: Path, tmp_path: Path) -> None:
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(fleet_out / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "The fleet, worst first" in text and "Controls across the fleet" in text
    assert "Measured numbers over time" in text and "adult-income, version 2" in text
    report = json.loads((fleet_out / "report.json").read_text())
    trends = report["trends"]["model_version:adult-income/1"]
    assert len(trends) == 2 and trends[-1]["audit_id"] == report["audit_id"]  # this audit is the last point
    assert trends[-1]["measured"]["demographic_parity_difference"] > 0.1  # the demo's measured unfairness
    pages = subprocess.run(["pdfinfo", str(fleet_out / "report.pdf")], capture_output=True, text=True, check=True)
    assert int(next(line.split()[-1] for line in pages.stdout.splitlines() if line.startswith("Pages:"))) <= 6
