"""The pure helpers: statistics from sums, CSV cells and the SVG chart (no database)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from quizzes.analysis import (
    PairSums,
    cronbach_alpha,
    kr20,
    median_of_middle,
    middle_positions,
    pearson,
    standard_deviation,
    variance,
)
from quizzes.charts import histogram_svg, nice_step
from quizzes.selectors.results import bin_labels

SVG = "{http://www.w3.org/2000/svg}"


def test_variance_and_sd_from_sums_match_the_definition():
    # x = 1, 2, 3, 4: n = 4, Σx = 10, Σx² = 30; Σ(x − 2.5)² = 2.25 + 0.25 + 0.25 + 2.25 = 5
    assert variance(4, 10, 30) == pytest.approx(5 / 3)
    assert variance(4, 10, 30, sample=False) == pytest.approx(5 / 4)
    assert standard_deviation(4, 10, 30) == pytest.approx(math.sqrt(5 / 3))


def test_variance_needs_enough_observations_and_never_goes_negative():
    assert variance(1, 3, 9) is None
    assert variance(0, 0, 0, sample=False) is None
    # 0.1 three times: rounding leaves Σx² − (Σx)²/n a hair off zero; it is no spread at all.
    assert variance(3, 0.1 + 0.1 + 0.1, 0.01 * 3) == 0.0


def test_pearson_from_sums_matches_a_hand_computation():
    # x = 0, 0, 1, 1; y = 1, 2, 2, 3: means 0.5 and 2; Σdxdy = .5 + 0 + 0 + .5 = 1;
    # Σdx² = 1; Σdy² = 1 + 0 + 0 + 1 = 2; r = 1 / √2 = 0.70711
    sums = PairSums(n=4, sx=2, sy=8, sxx=2, syy=18, sxy=5)
    assert pearson(sums) == pytest.approx(0.70711, abs=1e-5)


def test_pearson_is_undefined_when_a_variable_does_not_vary():
    assert pearson(PairSums(n=3, sx=3, sy=6, sxx=3, syy=14, sxy=6)) is None
    assert pearson(PairSums(n=1, sx=1, sy=1, sxx=1, syy=1, sxy=1)) is None


def test_cronbach_alpha_and_kr20_follow_their_formulas():
    # α = 3/2 · (1 − 0.8 / 0.95) = 1.5 · 0.157895 = 0.236842
    assert cronbach_alpha([0.3, 0.3, 0.2], 0.95) == pytest.approx(0.236842, abs=1e-6)
    # KR-20 = 2/1 · (1 − (0.75·0.25 + 0.5·0.5) / 0.6875) = 2 · (1 − 0.4375 / 0.6875) = 0.727273
    assert kr20([0.75, 0.5], [1, 1], 0.6875) == pytest.approx(0.727273, abs=1e-6)
    # Two marks per item: Σ m²pq = 4 · 0.4375 = 1.75 against a total variance of 4 · 0.6875
    assert kr20([0.75, 0.5], [2, 2], 2.75) == pytest.approx(0.727273, abs=1e-6)
    assert cronbach_alpha([0.3], 1.0) is None
    assert cronbach_alpha([0.3, 0.2], 0.0) is None


def test_median_comes_from_the_one_or_two_middle_values():
    assert middle_positions(5) == (2, 2)
    assert middle_positions(4) == (1, 2)
    assert median_of_middle([40.0]) == 40.0
    assert median_of_middle([40.0, 50.0]) == 45.0
    assert median_of_middle([]) is None


def test_the_histogram_is_an_accessible_svg_with_one_bar_per_bin():
    svg = histogram_svg(
        counts=[1, 0, 0, 2, 0, 0, 1, 0, 1, 0],
        labels=bin_labels(),
        title="Scores",
        description="Per band",
        x_label="Score",
        y_label="Attempts",
    )
    root = ET.fromstring(svg.split("\n", 1)[1])
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.find(f"{SVG}title").text == "Scores"
    assert root.find(f"{SVG}desc").text == "Per band"
    bars = root.findall(f"{SVG}g")
    assert [g.find(f"{SVG}title").text for g in bars][:4] == [
        "0–10%: 1",
        "10–20%: 0",
        "20–30%: 0",
        "30–40%: 2",
    ]
    heights = [float(g.find(f"{SVG}rect").get("height")) for g in bars]
    assert heights[3] == 2 * heights[0] > 0 and heights[1] == 0


def test_text_in_the_svg_is_escaped():
    svg = histogram_svg(
        counts=[1],
        labels=["<b>"],
        title='</title><script>alert("x")</script>',
        description="a & b",
        x_label="x",
        y_label="y",
    )
    assert "<script>" not in svg
    root = ET.fromstring(svg.split("\n", 1)[1])
    assert root.find(f"{SVG}title").text == '</title><script>alert("x")</script>'
    assert root.find(f"{SVG}desc").text == "a & b"


def test_the_axis_steps_are_round_numbers():
    assert nice_step(3) == 1
    assert nice_step(12) == 5
    assert nice_step(10000) == 2000
    with pytest.raises(ValueError):
        histogram_svg(counts=[], labels=[], title="", description="", x_label="", y_label="")
