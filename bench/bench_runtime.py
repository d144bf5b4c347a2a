"""Runtime benchmark: session start, a trivial call, and the harness cost per host effect.

Run: ``python bench/bench_runtime.py [--rounds N]``. Prints medians (and p90) in milliseconds,
unpinned and pinned to one CPU (most of a Python/V8 crossing is a thread waking on the other
CPU, design.md), against the targets of issue 2: session start < 30 ms, trivial call < 1.5 ms,
harness overhead per host effect < 1 ms.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import httpx
from benchlib import measure, report, summary

from wxreplay import Device, Project, Session

N_FILES = 10


def make_skill(root: Path) -> Project:
    """A 10-file skill: index.js, 6 API modules, 2 utils and a JSON data file."""
    (root / "skills/bench/apis").mkdir(parents=True)
    (root / "skills/bench/utils").mkdir(parents=True)
    (root / "app.json").write_text(
        json.dumps(
            {
                "pages": ["pages/home/home"],
                "lazyCodeLoading": "requiredComponents",
                "subPackages": [{"root": "skills", "independent": True, "pages": []}],
                "agent": {"skills": [{"name": "bench", "description": "benchmark skill", "path": "skills/bench"}]},
            }
        )
    )
    names = ["trivial", "threeRequests", *(f"api{i}" for i in range(4))]
    apis = [{"name": n, "description": "d", "inputSchema": {"type": "object", "properties": {}}} for n in names]
    (root / "skills/bench/mcp.json").write_text(json.dumps({"apis": apis}))
    (root / "skills/bench/SKILL.md").write_text("# bench\n")
    (root / "skills/bench/utils/http.js").write_text(
        "module.exports = (path) => new Promise((resolve, reject) => wx.request({ url: 'https://svc.test' + path,"
        " success: (r) => resolve(r.data), fail: reject }))\n"
    )
    (root / "skills/bench/utils/fmt.js").write_text("exports.text = (t) => ({ content: [{ type: 'text', text: t }] })\n")
    (root / "skills/bench/utils/data.json").write_text(json.dumps({"items": list(range(50))}))
    (root / "skills/bench/apis/trivial.js").write_text(
        "const { text } = require('../utils/fmt')\nmodule.exports = async () => text('ok')\n"
    )
    (root / "skills/bench/apis/threeRequests.js").write_text(
        "const get = require('../utils/http.js')\nconst { text } = require('../utils/fmt')\n"
        "module.exports = async () => { const a = await get('/a'); const b = await get('/b'); const c = await get('/c');"
        " return text(String(a.v + b.v + c.v)) }\n"
    )
    for i in range(4):
        (root / f"skills/bench/apis/api{i}.js").write_text(
            "const data = require('../utils/data.json')\n"
            f"module.exports = async () => ({{ content: [{{ type: 'text', text: 'n' + data.items[{i}] }}] }})\n"
        )
    index = [
        "const skill = wx.modelContext.createSkill('skills/bench')",
        "skill.use(async (ctx, next) => next())",
        "skill.registerAPI('trivial', require('./apis/trivial'))",
        "skill.registerAPI('threeRequests', require('./apis/threeRequests'))",
    ]
    index += [f"skill.registerAPI('api{i}', require('./apis/api{i}'))" for i in range(4)]
    (root / "skills/bench/index.js").write_text("\n".join(index) + "\n")
    files = [p for p in (root / "skills/bench").rglob("*") if p.is_file() and p.suffix in (".js", ".json")]
    assert len(files) == N_FILES + 1, files  # 10 code/data files + mcp.json
    return Project.load(root)


def transport() -> httpx.MockTransport:
    return httpx.MockTransport(lambda req: httpx.Response(200, json={"v": 1}))


def run(project: Project, rounds: int) -> list[str]:
    lines = []
    # Session start: 3 contexts + load of the 10-file skill (index.js requires all of it).
    starts = []
    for _ in range(rounds // 10 or 1):
        t = time.perf_counter()
        s = Session(project, device=Device(), transport=transport())
        starts.append((time.perf_counter() - t) * 1000)
        s.close()
    lines.append(summary("session start (3 contexts + 10-file skill)", starts, 30))
    with Session(project, device=Device(), transport=transport()) as s:
        for _ in range(20):
            s.call("trivial")
            s.call("threeRequests")
        trivial = measure(lambda: s.call("trivial"), rounds)
        three = measure(lambda: s.call("threeRequests"), rounds)
    lines.append(summary("API call, trivial handler", trivial, 1.5))
    lines.append(summary("API call, 3 wx.request (in-process)", three))
    per_effect = [(b - a) / 3 for a, b in zip(sorted(trivial), sorted(three), strict=True)]
    lines.append(summary("harness overhead per host effect", per_effect, 1.0))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = make_skill(Path(tmp))
        Session(project, device=Device(), transport=transport()).close()  # first V8 start in the process
        report(f"wxreplay runtime benchmark ({ns.rounds} rounds)", lambda: run(project, ns.rounds))


if __name__ == "__main__":
    main()
