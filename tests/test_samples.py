"""``sphere eval --samples N [--seed S]`` (LANGUAGE.md §8.5, §8.7): the figures
over random draws of the values written with ``± SE``, on small models whose
probabilities are known exactly (a normal CDF) or are certainly 0 or 1."""

from __future__ import annotations

import json
import math
from array import array
from pathlib import Path

import pytest
from click.testing import CliRunner

import spherelang
from spherelang.cli import cli
from spherelang.evaluator import sample
from spherelang.evaluator.samples import statistic

from .test_years import load_text

#: Enough samples that a share is within 4 standard errors of its probability.
N = 4000


def phi(x: float) -> float:
    """The standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def near(share: float, p: float, n: int = N) -> bool:
    return abs(share - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1e-12


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "m.sphere"
    path.write_text(text, encoding="utf-8")
    return str(path)


FIXED = """\
sphere R : political {
  indicator a = 3 of 11
  sphere A : administrative {
    capacity 0.9
    sphere B : operational {
      indicator s = 0.4 in 0..1
    }
  }
  sphere C : administrative {
  }
}
"""


# ---------------------------------------------------------------- statistics


@pytest.mark.parametrize(("n", "p05", "p95"), [(1, 1, 1), (20, 1, 19), (100, 5, 95), (101, 6, 96), (7, 1, 7)])
def test_percentiles_are_nearest_rank(n: int, p05: int, p95: int) -> None:
    stat = statistic(array("d", reversed(range(1, n + 1))))
    assert (stat.p05, stat.p95) == (p05, p95)
    assert stat.mean == pytest.approx((n + 1) / 2)


def test_undefined_everywhere_is_null() -> None:
    stat = statistic(array("d"))
    assert stat.as_dict() == {"mean": None, "p05": None, "p95": None}


def test_without_uncertainty_every_sample_is_the_figure() -> None:
    model = load_text(FIXED)
    result = sample(model, 50, seed=3)
    for sphere, drawn in zip(model.spheres, result.spheres):
        assert drawn.path == sphere.path
        for figure in ("capacity", "effective"):
            stat = getattr(drawn, figure)
            value = getattr(sphere, figure)
            assert (stat.mean, stat.p05, stat.p95) == (value, value, value)
        assert drawn.held in (0.0, 1.0)
    b = result.sphere("R.A.B")
    assert b is not None and b.held == 0.0 and b.binding == (("R", 1.0),)  # 0.4 under R's 0.8
    assert result.sphere("R.C").binding == (("R", 1.0),)  # type: ignore[union-attr]
    assert result.sphere("R.A").held == 1.0  # type: ignore[union-attr]  # 0.9 > 0.8 + 0.05
    assert result.sphere("R").binding == ()  # type: ignore[union-attr]


def test_a_wide_se_spreads_around_the_value() -> None:
    model = load_text("sphere R : political {\n  indicator s = 0.5 ± 0.1 in 0..1\n}\n")
    stat = sample(model, N, seed=1).spheres[0].capacity
    assert stat.p05 is not None and stat.p95 is not None and stat.mean is not None
    assert stat.p05 < 0.45 and stat.p95 > 0.55
    assert stat.p05 == pytest.approx(0.5 - 1.645 * 0.1, abs=0.02)
    assert stat.p95 == pytest.approx(0.5 + 1.645 * 0.1, abs=0.02)
    assert stat.mean == pytest.approx(0.5, abs=0.01)


def test_clipping_keeps_values_in_their_domain() -> None:
    model = load_text(
        "sphere R : political {\n  indicator r = 5 ± 100 of 10\n"
        "  sphere A : administrative {\n    indicator s = 2 ± 50 in 1..3 lower_is_better\n  }\n"
        "  sphere B : administrative {\n    capacity 0.5 ± 9\n  }\n}\n")
    result = sample(model, 400, seed=2)
    for drawn in result.spheres:
        # half the draws fall beyond each end of the domain: clipped, never outside
        assert (drawn.capacity.p05, drawn.capacity.p95) == (0.0, 1.0)
        assert drawn.capacity.mean is not None and 0.3 < drawn.capacity.mean < 0.7


def test_same_seed_same_output_and_different_seeds_differ() -> None:
    model = load_text("sphere R : political {\n  indicator r = 50 ± 10 of 100\n"
                      "  sphere A : administrative {\n    capacity 0.5 ± 0.1\n  }\n}\n")
    assert sample(model, 200, seed=7) == sample(model, 200, seed=7)
    assert sample(model, 200, seed=7) != sample(model, 200, seed=8)


# ---------------------------------------------------------------- probabilities against a normal CDF


def test_held_is_the_probability_that_cor001_fires() -> None:
    # held when 0.6 + 0.1 z > 0.5 + 0.05 (+1e-9): P(z > -0.5)
    model = load_text("sphere R : political {\n  capacity 0.5\n"
                      "  sphere A : administrative {\n    capacity 0.6 ± 0.1\n  }\n}\n")
    drawn = sample(model, N, seed=0, tolerance=0.05).sphere("R.A")
    assert drawn is not None and near(drawn.held, phi(0.5))
    tighter = sample(model, N, seed=0, tolerance=0.15).sphere("R.A")
    assert tighter is not None and near(tighter.held, phi(-0.5))


def test_binding_shares_follow_the_normal_cdf() -> None:
    # C (no capacity) is bound by A when A's capacity 0.5 + 0.1 z is at or below R's 0.4: P(z <= -1)
    model = load_text("sphere R : political {\n  capacity 0.4\n"
                      "  sphere A : administrative {\n    capacity 0.5 ± 0.1\n"
                      "    sphere C : operational {\n    }\n  }\n}\n")
    drawn = sample(model, N, seed=5).sphere("R.A.C")
    assert drawn is not None
    shares = dict(drawn.binding)
    assert set(shares) == {"R", "R.A"}
    assert near(shares["R.A"], phi(-1.0))
    assert shares["R"] + shares["R.A"] == pytest.approx(1.0)
    assert drawn.binding[0][0] == "R"  # the larger share first


def test_binding_lists_only_ancestors_that_bind_in_some_sample() -> None:
    model = load_text("sphere R : political {\n  capacity 0.1\n"
                      "  sphere A : administrative {\n    capacity 0.9 ± 0.01\n"
                      "    sphere C : operational {\n    }\n  }\n}\n")
    assert sample(model, 300).sphere("R.A.C").binding == (("R", 1.0),)  # type: ignore[union-attr]


# ---------------------------------------------------------------- ordering


LAYERED = """\
sphere R : political {{
  capacity {outer} ± 0.01
  sphere A : administrative {{
    indicator g = {middle} ± 0.01 in 0..1
    sphere O : operational {{
      capacity {inner}
    }}
  }}
  sphere B : administrative {{
    capacity {middle}
  }}
}}
"""


@pytest.mark.parametrize(("outer", "middle", "inner", "share"), [
    (0.2, 0.5, 0.8, 1.0),   # rises inwards: falls from the innermost outwards in every sample
    (0.8, 0.5, 0.2, 0.0),   # the reverse
    (0.2, 0.8, 0.5, 0.0),   # not monotone
    (0.5, 0.5, 0.5, None),  # equal means: strict steps fail about half the time, never all
])
def test_ordering_share(outer: float, middle: float, inner: float, share: float | None) -> None:
    model = load_text(LAYERED.format(outer=outer, middle=middle, inner=inner))
    result = sample(model, 500, seed=4)
    if share is None:
        assert result.ordering is not None and 0.0 < result.ordering < 1.0
    else:
        assert result.ordering == share


def test_ordering_is_trivial_with_one_layer_and_skips_layers_without_capacity() -> None:
    one = load_text("sphere R : political {\n  capacity 0.5 ± 0.2\n  sphere A : administrative {\n  }\n}\n")
    assert sample(one, 50).ordering == 1.0
    gap = load_text("sphere R : political {\n  capacity 0.3 ± 0.01\n  sphere A : administrative {\n"
                    "    sphere O : operational {\n      capacity 0.7 ± 0.01\n    }\n  }\n}\n")
    assert sample(gap, 50).ordering == 1.0


# ---------------------------------------------------------------- the command line and the API


UNCERTAIN = """\
sphere R : political {
  indicator r = 40 ± 5 of 100 year 2018
  indicator r = 20 ± 5 of 100 year 2019
  sphere A : administrative {
    capacity 0.7 ± 0.05
    sphere X : operational {
    }
  }
}
scenario fix "fix A" {
  in R.A { capacity 0.3 }
}
"""


def test_json_shape(tmp_path: Path) -> None:
    code, out = run(["eval", write(tmp_path, UNCERTAIN), "--samples", "200", "--seed", "3", "--format", "json"])
    assert code == 0, out
    data = json.loads(out)
    assert data["samples"]["n"] == 200 and data["samples"]["seed"] == 3
    assert 0.0 <= data["samples"]["ordering"] <= 1.0
    entries = {s["path"]: s["samples"] for s in data["spheres"]}
    assert set(entries["R"]) == {"capacity", "effective", "held", "binding"}
    assert set(entries["R"]["capacity"]) == {"mean", "p05", "p95"}
    assert entries["R"]["binding"] == {}
    assert entries["R.A.X"]["capacity"] == {"mean": None, "p05": None, "p95": None}
    assert entries["R.A.X"]["effective"] == {"mean": None, "p05": None, "p95": None}
    assert entries["R.A.X"]["held"] == 0.0
    assert sum(entries["R.A.X"]["binding"].values()) == pytest.approx(1.0)
    assert all(share > 0 for share in entries["R.A.X"]["binding"].values())


def test_without_samples_the_json_is_unchanged(tmp_path: Path) -> None:
    _, out = run(["eval", write(tmp_path, UNCERTAIN), "--format", "json"])
    data = json.loads(out)
    assert "samples" not in data and all("samples" not in s for s in data["spheres"])


def test_same_seed_same_output_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, UNCERTAIN)
    runs = [run(["eval", path, "--samples", "100", "--seed", s, "--format", fmt])
            for s in ("1", "1", "2") for fmt in ("json", "text")]
    assert runs[0] == runs[2] and runs[1] == runs[3]
    assert runs[0] != runs[4] and runs[1] != runs[5]


def test_the_year_and_the_scenario_select_the_model(tmp_path: Path) -> None:
    path = write(tmp_path, UNCERTAIN)
    def means(*extra: str) -> dict[str, float | None]:
        _, out = run(["eval", path, "--samples", "400", "--format", "json", *extra])
        return {s["path"]: s["samples"]["capacity"]["mean"] for s in json.loads(out)["spheres"]}
    assert means()["R"] == pytest.approx(80 / 99, abs=0.01)
    assert means("--year", "2018")["R"] == pytest.approx(60 / 99, abs=0.01)
    fixed = json.loads(run(["eval", path, "--samples", "50", "--format", "json", "--scenario", "fix"])[1])
    a = next(s for s in fixed["spheres"] if s["path"] == "R.A")["samples"]["capacity"]
    assert a == {"mean": 0.3, "p05": 0.3, "p95": 0.3}


def test_text_shows_ranges_and_percentages(tmp_path: Path) -> None:
    code, out = run(["eval", write(tmp_path, UNCERTAIN), "--samples", "300"])
    assert code == 0, out
    assert "300 samples" in out and "seed 0" in out
    assert "%" in out and "–" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("A ") and "mean" in line)
    assert "R in 100%" in row and "–" in row and "%" in row
    assert "holds in" in out and "% of samples" in out


@pytest.mark.parametrize("args", [["--samples", "0"], ["--samples", "-3"], ["--samples", "x"],
                                  ["--samples", "2", "--seed", "1.5"], ["--samples"], ["--seed", "x"]])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    code, out = run(["eval", write(tmp_path, UNCERTAIN), *args])
    assert code == 2
    assert "Traceback" not in out


def test_a_broken_model_reports_and_has_no_samples(tmp_path: Path) -> None:
    code, out = run(["eval", write(tmp_path, "sphere R : political {\n"), "--samples", "5", "--format", "json"])
    assert code == 1
    data = json.loads(out)
    assert data["samples"] == {"n": 5, "seed": 0, "ordering": None}
    code, out = run(["eval", write(tmp_path, "sphere R : political {\n"), "--samples", "5"])
    assert code == 1 and "SPH001" in out and "Traceback" not in out


def test_api(tmp_path: Path) -> None:
    model = spherelang.loads(UNCERTAIN, path=str(tmp_path / "m.sphere"))
    result = spherelang.evaluate(model, samples=100, seed=9)
    assert isinstance(result.samples, spherelang.Samples)
    assert result.samples.n == 100 and result.samples.seed == 9
    assert isinstance(result.samples.spheres[0], spherelang.SphereSamples)
    assert isinstance(result.samples.spheres[0].capacity, spherelang.Statistic)
    assert spherelang.evaluate(model).samples is None
    assert spherelang.evaluate(model, samples=100, seed=9) == result
    for bad in ({"samples": 0}, {"samples": True}, {"samples": 2.5}, {"samples": 5, "seed": "x"}):
        with pytest.raises(spherelang.SphereUsageError):
            spherelang.evaluate(model, **bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("share", "text"), [(0.0, "0%"), (0.004, "<1%"), (0.5, "50%"), (0.996, ">99%"),
                                             (1.0, "100%")])
def test_percent_never_rounds_a_possibility_away(share: float, text: str) -> None:
    from spherelang.report.uncertainty import percent

    assert percent(share) == text
