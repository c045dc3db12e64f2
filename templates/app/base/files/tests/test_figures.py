"""Figures and HTML reports: valid, non-blank PNGs logged with the run, reports that hold it."""

import html
import io
import re

import numpy as np
import pytest
from PIL import Image

from <%- packageName %>.errors import ConfigError
from <%- packageName %>.evaluators.base import Predictions
from <%- packageName %>.experiment import run_experiment
from <%- packageName %>.plumbing.cli import main
from <%- packageName %>.plumbing.compare import write_report
from <%- packageName %>.plumbing.figures import one_vs_rest
from <%- packageName %>.plumbing.registry import TRACKERS
from <%- packageName %>.plumbing.report import compare_report, publish_latest
from <%- packageName %>.trackers.base import RunRecord

from conftest import check_png, commit_project, fast_config
from mocks import MockTracker

EXPECTED = {
    "experiment.yaml": [
        "calibration",
        "confusion_matrix",
        "pr_curve",
        "roc_curve",
        "slice_mean_radius",
    ],
    "regression.yaml": ["predicted_vs_actual", "residuals", "slice_age", "slice_sex"],
}


def assert_drawn(png: bytes) -> None:
    """Check that ``png`` decodes as a PNG of a sensible size whose pixels are not all equal."""
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.width >= 200 and image.height >= 150
        gray = np.asarray(image.convert("L"))
    assert int(gray.max()) - int(gray.min()) > 100, "blank figure"


@pytest.mark.parametrize("config_name", sorted(EXPECTED))
def test_a_run_logs_figures_and_a_report_holding_everything(project, config_name):
    commit = commit_project(project)
    tracker = MockTracker()
    config = fast_config(
        config_name, "evaluator.figures=true", "evaluator.bootstrap.n_resamples=20"
    )
    result = run_experiment(config, tracker=tracker)
    artifacts = tracker.runs[result.run_id]["artifacts"]

    figures = sorted(name for name in artifacts if name.startswith("figures/"))
    assert figures == [f"figures/{name}.png" for name in EXPECTED[config_name]]
    for name in figures:
        assert_drawn(tracker.read_artifact(result.run_id, name))
        assert (project / "reports" / name).read_bytes() == artifacts[name]

    page = tracker.read_artifact(result.run_id, "report.html").decode("utf-8")
    assert result.report == project / "reports" / "report.html"
    assert result.report.read_text(encoding="utf-8") == page
    assert page.count('<img src="data:image/png;base64,') == len(figures)
    assert re.search(r'(src|href)="(?!data:)', page) is None, "the report loads something"
    metrics = result.metrics
    for name, value in metrics.items():
        if not name.endswith(("_ci_low", "_ci_high", "/count")):
            assert f"{value:.4f}" in page, name
    headline = next(name for name in metrics if name.endswith("_ci_low")).removesuffix("_ci_low")
    low, high = metrics[f"{headline}_ci_low"], metrics[f"{headline}_ci_high"]
    assert f"{low:.4f} to {high:.4f}" in page
    slice_cis = [name for name in metrics if name.startswith("slice/") and "_ci_" in name]
    assert slice_cis and all(f"{metrics[name]:.4f}" in page for name in slice_cis)
    tags = tracker.get_run(result.run_id).tags
    assert commit in page and tags["dataset.fingerprint"] in page
    assert html.escape(config.to_yaml()) in page


def test_the_latest_runs_figures_replace_the_previous_ones(project):
    image = check_png()
    publish_latest({"old.png": image, "kept.png": image}, "<p>first</p>")
    (project / "reports/figures/mine.png").write_bytes(b"the user's own")
    (project / "reports/figures/.latest-run").write_text("old.png\n../../escape.png\n")
    (project / "escape.png").write_bytes(b"outside")
    path = publish_latest({"kept.png": image}, "<p>second</p>")
    names = sorted(p.name for p in (project / "reports/figures").iterdir())
    assert names == [".latest-run", "kept.png", "mine.png"]
    assert path.read_text() == "<p>second</p>" and (project / "escape.png").exists()


def test_curves_are_one_vs_rest_for_each_scored_label():
    y = np.array(["a", "b", "c", "a", "b", "c"])
    scores = np.tile([0.5, 0.3, 0.2], (6, 1))
    labels = [label for label, _, _ in one_vs_rest(Predictions.of(y, y, scores))]
    assert labels == ["a", "b", "c"]
    binary = Predictions.of([0, 1, 1, 0], [0, 1, 0, 0], np.tile([0.4, 0.6], (4, 1)))
    assert [label for label, _, _ in one_vs_rest(binary)] == [1]
    one_class = Predictions.of([1, 1], [1, 1], [0.2, 0.9])
    assert list(one_vs_rest(one_class)) == []
    assert list(one_vs_rest(Predictions.of([0, 1], [0, 1]))) == []


def test_compare_writes_the_ranking_as_an_html_report(project, capsys):
    (project / "configs/local.yaml").write_text(
        "extends: experiment.yaml\ntracker: {name: local}\n"
    )
    config = fast_config("local.yaml")
    tracker = TRACKERS.build("local")
    ids = []
    for accuracy in (0.5, 0.75):
        with tracker.start_run(config.experiment) as run:
            run.log_params({"model.name": "m"})
            run.log_metrics({"test/accuracy": accuracy, "test/accuracy_ci_low": accuracy - 0.125})
            run.log_metrics({"test/accuracy_ci_high": accuracy + 0.125})
            ids.append(run.run_id)
    code = main(["compare", "--config", "configs/local.yaml", "--report", "out/runs.html"])
    out = capsys.readouterr().out
    assert code == 0 and out.splitlines()[-1] == "report out/runs.html"
    page = (project / "out/runs.html").read_text(encoding="utf-8")
    assert page.index(ids[1]) < page.index(ids[0]), "best run first"
    assert "0.6250 to 0.8750" in page and "0.3750 to 0.6250" in page
    assert page.count('<img src="data:image/png;base64,') == 1


def test_compare_report_escapes_and_shows_intervals(tmp_path):
    run = RunRecord(
        "r1",
        "<exp>",
        "FINISHED",
        0.0,
        params={"model.name": "<script>alert(1)</script>"},
        metrics={"test/rmse": 1.5, "test/rmse_ci_low": 1.25, "test/rmse_ci_high": 1.75},
    )
    page = compare_report("<exp>", "test/rmse", [run])
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "1.5000" in page and "1.2500 to 1.7500" in page and "&lt;exp&gt;" in page
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match=r"^cannot write the report "):
        write_report(tmp_path / "file" / "runs.html", "e", "test/rmse", [run])
