"""The corpus generator: determinism, shape, and a ground truth that agrees
with a plain reading of the files it wrote."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from benchmarks import corpus
from benchmarks.corpusgen.sizes import KB, MB, PRESETS, file_sizes

KEYS = ("api_calls", "input_tokens", "output_tokens", "cache_hit_tokens",
        "cache_creation_tokens", "peak_context_tokens")


def lines(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def dedupe_count(paths: list[Path]) -> dict[str, int]:
    """The counting rules of FORMATS.md, written apart from the generator:
    top-level assistant lines only, one per (message.id, requestId), the
    largest total kept, synthetic messages skipped."""
    best: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for path in paths:
        for d in lines(path):
            if d.get("type") != "assistant" or d["message"].get("model") == "<synthetic>":
                continue
            m, u = d["message"], d["message"]["usage"]
            key = (m["id"], d.get("requestId") or m["id"])
            row = (u["input_tokens"], u["output_tokens"], u["cache_read_input_tokens"],
                   u["cache_creation_input_tokens"])
            best[key] = max(best.get(key, row), row, key=sum)
    rows = list(best.values())
    return {
        "api_calls": len(rows),
        "input_tokens": sum(r[0] for r in rows),
        "output_tokens": sum(r[1] for r in rows),
        "cache_hit_tokens": sum(r[2] for r in rows),
        "cache_creation_tokens": sum(r[3] for r in rows),
        "peak_context_tokens": max((r[0] + r[2] + r[3] for r in rows), default=0),
    }


def check_against_files(root: Path) -> None:
    doc = json.loads((root / "expected.json").read_text())
    for run in doc["runs"]:
        got = dedupe_count([root / run["transcript"]])
        assert got == {k: run[k] for k in KEYS}, run["agent_id"]
        assert run["total_tokens"] == sum(run[k] for k in KEYS[1:5])
    for s in doc["sessions"]:
        main = root / s["transcript"]
        agents = sorted((main.parent / s["session_id"] / "subagents").glob("*.jsonl"))
        got = dedupe_count([main, *agents])
        assert {k: got[k] for k in KEYS[:5]} == {k: s[k] for k in KEYS[:5]}, s["session_id"]


def test_same_seed_writes_the_same_bytes(tiny_tree: Path, tmp_path: Path) -> None:
    corpus.generate(tmp_path / "again", "tiny", seed=7, workers=1)
    corpus.generate(tmp_path / "other", "tiny", seed=8)
    assert corpus.tree_hash(tmp_path / "again") == corpus.tree_hash(tiny_tree)
    assert corpus.tree_hash(tmp_path / "other") != corpus.tree_hash(tiny_tree)


def test_refuses_to_write_over_a_tree(tiny_tree: Path) -> None:
    with pytest.raises(FileExistsError):
        corpus.generate(tiny_tree, "tiny", seed=7)


def test_expected_agrees_with_a_plain_count(tiny_tree: Path) -> None:
    check_against_files(tiny_tree)


def test_every_line_is_json_with_a_type(tiny_tree: Path) -> None:
    types: dict[str, int] = defaultdict(int)
    for path in (tiny_tree / "projects").rglob("*.jsonl"):
        for d in lines(path):
            types[d["type"]] += 1
    for kind in ("user", "assistant", "attachment", "progress", "api-request",
                 "queue-operation", "system", "cost-state", "last-prompt"):
        assert types[kind] > 0, kind


def test_layout_and_meta(tiny_tree: Path) -> None:
    doc = json.loads((tiny_tree / "expected.json").read_text())
    for run in doc["runs"]:
        path = tiny_tree / run["transcript"]
        assert re.fullmatch(r"agent-[0-9a-f]{17}\.jsonl", path.name)
        assert path.parent.name == "subagents" and path.parents[1].name == run["session_id"]
        meta = json.loads(path.with_name(f"agent-{run['agent_id']}.meta.json").read_text())
        assert meta["toolUseId"] == run["tool_use_id"]
        assert meta["agentType"] == run["agent_name"]
        assert meta["requestShape"] == ("background" if run["background"] else "foreground")
        assert meta["spawnDepth"] == (2 if run["parent_agent_id"] else 1)
        assert {"description", "model", "finished"} <= meta.keys()
        assert all(d.get("agentId") == run["agent_id"] for d in lines(path)
                   if d["type"] in ("user", "assistant"))


def test_one_line_per_content_block(tiny_tree: Path) -> None:
    """Each API response is split across lines that repeat id, requestId and usage."""
    by_id: dict[str, list[dict]] = defaultdict(list)
    for path in (tiny_tree / "projects").rglob("*.jsonl"):
        for d in lines(path):
            if d["type"] == "assistant" and not d.get("isApiErrorMessage"):
                by_id[d["message"]["id"]].append(d)
    split = [group for group in by_id.values() if len(group) > 1]
    assert split
    for group in split:
        assert [d["apiBlockIndex"] for d in group] == list(range(len(group)))
        assert len({(d["requestId"], json.dumps(d["message"]["usage"])) for d in group}) == 1
        assert all(len(d["message"]["content"]) == 1 for d in group)


def test_dispatches_results_and_traps(tiny_tree: Path) -> None:
    """Every run has its Agent tool_use and result in its dispatcher's file;
    background runs launch then notify; progress lines copy sub-agent ids."""
    doc = json.loads((tiny_tree / "expected.json").read_text())
    runs = {r["agent_id"]: r for r in doc["runs"]}
    text: dict[str, str] = {}
    for r in doc["runs"]:
        text[r["agent_id"]] = (tiny_tree / r["transcript"]).read_text()
    for s in doc["sessions"]:
        text[s["session_id"]] = (tiny_tree / s["transcript"]).read_text()
    progress_ids = 0
    for run in runs.values():
        home = text[run["parent_agent_id"] or run["session_id"]]
        assert '"name":"Agent"' in home and run["tool_use_id"] in home
        if run["background"]:
            assert '"status":"async_launched","agentId":"%s"' % run["agent_id"] in home
            assert "<task-id>%s</task-id>" % run["agent_id"] in home
        elif run["status"] == "completed":
            assert '"status":"completed","prompt"' in home
            first = next(d for d in lines(tiny_tree / run["transcript"])
                         if d["type"] == "assistant")
            progress_ids += '"type":"progress"' in home and first["message"]["id"] in home
    assert progress_ids > 0


def test_preset_shapes_hit_their_targets() -> None:
    full = file_sizes(PRESETS["full"])
    n = len(full)
    assert n == 3000
    assert 1.1 * 1024 * MB < sum(full) < 1.3 * 1024 * MB
    assert 80 * KB < full[n // 2] < 125 * KB
    assert 520 * KB < full[int(n * 0.9)] < 800 * KB
    assert 4 * MB < full[int(n * 0.99)] < 6.5 * MB
    assert full[-1] == 90 * MB
    for preset in PRESETS.values():
        assert abs(sum(file_sizes(preset)) - preset.total) < preset.total * 0.01


@pytest.mark.parametrize("preset", ["tiny", "small"])
def test_written_tree_is_near_its_preset(preset: str, tiny_tree: Path, tmp_path: Path) -> None:
    root = tiny_tree if preset == "tiny" else tmp_path / preset
    if preset != "tiny":
        corpus.generate(root, preset, seed=7)
    spec, got = PRESETS[preset], corpus.stats(root)
    if preset != "tiny":
        shutil.rmtree(root)  # 100 MB; pytest would keep it in its temp folders
    want = file_sizes(spec)
    assert got["files"] == spec.files
    assert abs(got["bytes"] - spec.total) < spec.total * 0.12
    assert 0.7 < got["median"] / want[len(want) // 2] < 1.5
    assert 0.8 < got["p90"] / want[int(len(want) * 0.9)] < 1.25
    assert abs(got["largest"] - spec.largest) < spec.largest * 0.02
    assert 0.28 < got["agent_byte_share"] < 0.38


def test_big_file_mode(tmp_path: Path) -> None:
    tree = corpus.write_big_file(tmp_path, 6 * MB, seed=3, agents=2)
    sessions = list((tmp_path / "projects").glob("*/*.jsonl"))
    assert tree["runs"] == 2 and len(sessions) == 1
    assert abs(sessions[0].stat().st_size - 6 * MB) < 0.02 * 6 * MB
    check_against_files(tmp_path)


def test_append_grows_a_few_files_and_keeps_the_truth(tiny_tree: Path, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(tiny_tree, root)
    before = {p: p.stat().st_size for p in root.rglob("*.jsonl")}
    result = corpus.append_lines(root, percent=10, round_no=1, share=0.05)
    grown = [p for p, n in before.items() if p.stat().st_size != n]
    assert len(grown) == result["files"] == 3
    for p in grown:
        assert p.read_bytes()[: before[p]] == (tiny_tree / p.relative_to(root)).read_bytes()
        assert 0.05 < (p.stat().st_size - before[p]) / before[p] < 0.6
    check_against_files(root)
    with pytest.raises(ValueError):
        corpus.append_lines(root, percent=10, round_no=1)
    corpus.append_lines(root, percent=10, round_no=2)
    check_against_files(root)
