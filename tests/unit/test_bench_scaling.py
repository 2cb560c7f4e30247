"""The reduced-scale benchmark run (bench/run.py --scale, CI's step): the stratified sample that
cuts the fixed corpora keeps every class and its share, and at scale 1 changes nothing."""

import json
import random
from collections import Counter

import pytest

from bench.scaling import scaled, stratified_sample


def labelled_rows(sizes: dict[str, int]) -> list[tuple[int, str]]:
    """(position, label) rows, labels shuffled together the way a corpus file mixes them."""
    labels = [label for label, size in sizes.items() for _ in range(size)]
    random.Random(5).shuffle(labels)
    return list(enumerate(labels))


def by_label(row: tuple[int, str]) -> str:
    return row[1]


@pytest.mark.parametrize("share", [1.0, 2.5])
def test_at_full_scale_every_row_stays_in_order(share):
    rows = labelled_rows({"a": 7, "b": 3, "c": 1})
    assert stratified_sample(rows, by_label, share, minimum=5) == rows


def test_a_reduced_sample_keeps_every_group_at_its_share_or_its_floor():
    sizes = {f"intent{n}": 100 for n in range(150)} | {"big": 1000, "small": 4, "single": 1}
    rows = labelled_rows(sizes)
    sample = stratified_sample(rows, by_label, 0.05, minimum=10, seed=1)
    counts = Counter(label for _, label in sample)
    assert set(counts) == set(sizes)  # every group is represented
    assert counts["intent0"] == 10 and counts["intent149"] == 10  # 100 x 0.05 = 5, below the floor
    assert counts["big"] == 50  # 1000 x 0.05, above the floor
    assert counts["small"] == 4 and counts["single"] == 1  # a group smaller than the floor stays whole
    positions = [position for position, _ in sample]
    assert positions == sorted(positions)  # the rows keep the corpus's order
    assert len(set(positions)) == len(positions)  # no row twice


def test_the_sample_depends_on_the_seed_only():
    rows = labelled_rows({"a": 200, "b": 200})
    first = stratified_sample(rows, by_label, 0.1, seed=3)
    assert stratified_sample(rows, by_label, 0.1, seed=3) == first
    assert stratified_sample(rows, by_label, 0.1, seed=4) != first


def test_a_share_of_zero_is_refused():
    with pytest.raises(ValueError):
        stratified_sample([(0, "a")], by_label, 0)


def test_scaled_sizes_are_the_full_ones_at_scale_1():
    assert scaled(1000, 1.0, minimum=50) == 1000
    assert scaled(1000, 0.01, minimum=50) == 50
    assert scaled(1000, 0.2, minimum=50) == 200


def test_the_chatbot_benchmark_cuts_clinc150_by_intent():
    """bench_chatbot.sample on the real corpus: untouched at scale 1, and every intent kept at
    CI's 0.01 (10 training phrases and 2 test phrases each, 50 of the 1,000 out-of-scope ones)."""
    from bench import bench_chatbot

    if not bench_chatbot.CLINC.is_file():
        pytest.skip(f"shared data not present at {bench_chatbot.CLINC}")
    data = json.loads(bench_chatbot.CLINC.read_text(encoding="utf-8"))
    assert bench_chatbot.sample(data, 1.0) is data
    reduced = bench_chatbot.sample(data, 0.01)
    for split, per_intent in (("train", bench_chatbot.SPARSE_PER_INTENT), ("test", bench_chatbot.TEST_PER_INTENT)):
        counts = Counter(label for _, label in reduced[split])
        assert set(counts) == {label for _, label in data[split]} and len(counts) == 150, split
        assert set(counts.values()) == {per_intent}, split
        assert {tuple(row) for row in reduced[split]} <= {tuple(row) for row in data[split]}, split
    assert len(reduced["oos_test"]) == bench_chatbot.OOS_MINIMUM
    assert {label for _, label in reduced["oos_test"]} == {"oos"}
    assert reduced["val"] is data["val"]  # splits the benchmark does not use are left alone


def test_the_run_fails_on_a_crashed_benchmark_only(tmp_path, monkeypatch, capfd):
    """bench/run.py (CI's step): a benchmark printing a goal NOT met exits 0 and the run passes;
    one that exits non-zero makes the run exit 1 and is named, and the others still run."""
    from bench import run

    (tmp_path / "bench_goal.py").write_text(
        "import os\nprint('ratio: 3.0 x (goal <= 2: NOT met), scale', os.environ['BLOGSTER_BENCH_SCALE'])\n"
    )
    (tmp_path / "bench_zcrash.py").write_text("raise SystemExit('boom')\n")
    monkeypatch.setattr(run, "HERE", tmp_path)
    assert run.main(["--scale", "0.01", "goal"]) == 0
    assert run.main(["--scale", "0.01"]) == 1
    out = capfd.readouterr().out
    assert out.count("NOT met), scale 0.01") == 2  # the scale reaches the benchmarks
    assert "bench_zcrash: crashed (exit 1)" in out
    assert "run: 1 crashed: bench_zcrash" in out
    assert out.count("run.wall_time:") == 2


def test_runs_sharing_a_claim_dir_run_each_benchmark_once(tmp_path, monkeypatch, capfd):
    """--claim-dir (CI's two lanes): a later run skips what an earlier one claimed, and still
    reports a crash in its own share."""
    from bench import run

    for name in ("one", "two", "zcrash"):
        code = "raise SystemExit('boom')\n" if name == "zcrash" else f"print('{name} ran')\n"
        (tmp_path / f"bench_{name}.py").write_text(code)
    monkeypatch.setattr(run, "HERE", tmp_path)
    claims = tmp_path / "claims"
    assert run.main(["--scale", "0.01", "--claim-dir", str(claims), "one"]) == 0
    assert run.main(["--scale", "0.01", "--claim-dir", str(claims)]) == 1
    assert run.main(["--scale", "0.01", "--claim-dir", str(claims)]) == 0
    out = capfd.readouterr().out
    assert out.count("one ran") == 1 and out.count("two ran") == 1
    assert out.count("run: 1 crashed: bench_zcrash") == 1
    assert "(0 benchmarks at scale 0.01" in out
    assert sorted(path.name for path in claims.iterdir()) == ["bench_one", "bench_two", "bench_zcrash"]
