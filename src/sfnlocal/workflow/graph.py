"""The state machine as a graph: its edges, each state's status in one
execution, and its layout by Graphviz's ``dot``, the one layout both the web
console (as coordinates) and ``sfnlocal graph`` (as SVG and PNG) draw.

The DOT text is written with the ``graphviz`` package; ``graphviz-pure`` (a
wheel of the tooling's lock holding a static build of ``dot``) lays it out, so
no system package is needed. Measured against Debian's Graphviz 2.43 on the
sample: the same ranks and order, every state within 1.4 points, and the
same picture in its bundled Arimo font. ``graphviz`` cannot run it itself (it
runs a program named ``dot`` from PATH), hence :func:`lay_out`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sysconfig
from dataclasses import asdict, dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import graphviz

from sfnlocal.errors import UserError

SUCCEEDED, FAILED, RUNNING, NOT_REACHED = "succeeded", "failed", "running", "not reached"
COLORS = {  # fill, outline
    SUCCEEDED: ("#e6f4ea", "#1e8e3e"),
    FAILED: ("#fce8e6", "#d93025"),
    RUNNING: ("#e8f0fe", "#1a73e8"),
    NOT_REACHED: ("#f8f9fa", "#9aa0a6"),
}
START, END = "start", "end"
"""Ids of the two pseudo-states drawn before StartAt and after each End state."""

# Every state is drawn the same size, so a state's status (a longer label in
# the CLI's image) never moves anything: the console and the CLI share one layout.
STATE_SIZE = (3.6, 0.8)  # inches, Graphviz's unit
END_SIZE = (0.9, 0.36)
FONT = "Helvetica"
DOT_PROGRAM = "graphviz-pure"
"""The layout program the tooling's lock installs beside its Python (PyPI ``graphviz-pure``)."""
DOT_TIMEOUT = 30  # seconds; the sample takes about 10 ms
INSTALL_FIX = "run 'make envs': it installs the tooling's locked packages, graphviz-pure among them"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""


def edges(definition: dict[str, Any]) -> list[Edge]:
    """The transitions between the states (by name), in definition order."""
    found = []
    for name, state in definition["States"].items():
        for choice in state.get("Choices", []):
            label = next((str(v) for k, v in choice.items() if k.endswith("Equals")), "")
            found.append(Edge(name, choice["Next"], label))
        if "Default" in state:
            found.append(Edge(name, state["Default"], "default"))
        if "Next" in state:
            found.append(Edge(name, state["Next"]))
        for catcher in state.get("Catch", []):
            found.append(Edge(name, catcher["Next"], "catch"))
    return found


def statuses(events: list[dict[str, Any]], execution_status: str) -> dict[str, str]:
    """Each state's status in this execution's history (states never entered are absent)."""
    status: dict[str, str] = {}
    for event in events:
        if entered := event.get("stateEnteredEventDetails"):
            status[entered["name"]] = RUNNING
        elif exited := event.get("stateExitedEventDetails"):
            status[exited["name"]] = SUCCEEDED
    if execution_status != "RUNNING":
        for name, value in status.items():
            if value == RUNNING:
                status[name] = FAILED if execution_status != "SUCCEEDED" else SUCCEEDED
    return status


def state_kind(state: dict[str, Any]) -> str:
    """What a state does, as the Step Functions console names it ("Lambda: Invoke")."""
    kind = state.get("Type", "")
    resource = str(state.get("Resource", ""))
    if kind != "Task":
        return f"{kind} state"
    if ":lambda:" in resource or "${" in resource:
        return "Lambda: Invoke"
    if resource.startswith("arn:") and ":::" in resource:
        service, _, action = resource.rsplit(":::", 1)[1].partition(":")
        action, _, pattern = action.partition(".")
        names = {"sqs": "SQS", "sns": "SNS", "lambda": "Lambda", "dynamodb": "DynamoDB"}
        text = f"{names.get(service, service)}: {action[:1].upper()}{action[1:]}"
        return text + (" (wait for callback)" if pattern == "waitForTaskToken" else "")
    return "Task"


# -- the layout ---------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    id: str
    name: str
    """The state's name; "Start" or "End" for the pseudo-states."""
    kind: str
    """"state", or START / END."""
    subtitle: str
    x: float
    """Centre, in points from the top left."""
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Line:
    source: str
    target: str
    """Box ids."""
    label: str
    points: list[tuple[float, float]]
    """A cubic B-spline as Graphviz gives it: start, then (control, control, end) triples."""
    arrow: tuple[float, float] | None
    """Where the arrowhead points, past the last spline point."""
    label_at: tuple[float, float] | None


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    boxes: list[Box]
    lines: list[Line]

    def rows(self) -> list[list[str]]:
        """The states' names rank by rank, top to bottom, left to right."""
        ranks: dict[float, list[Box]] = {}
        for box in self.boxes:
            if box.kind == "state":
                ranks.setdefault(round(box.y), []).append(box)
        return [
            [b.name for b in sorted(row, key=lambda b: b.x)] for _, row in sorted(ranks.items())
        ]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _ids(definition: dict[str, Any]) -> dict[str, str]:
    """A Graphviz node id per state: ``s0``, ``s1``... (names can hold any character)."""
    return {name: f"s{index}" for index, name in enumerate(definition["States"])}


def _transitions(definition: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every edge by node id, with the pseudo-states: (source, target, label)."""
    ids = _ids(definition)
    found = [(START, ids[definition["StartAt"]], "")]
    found += [(ids[e.source], ids[e.target], e.label) for e in edges(definition) if e.target in ids]
    found += [
        (ids[name], END, "") for name, state in definition["States"].items() if state.get("End")
    ]
    return found


def _path_status(
    definition: dict[str, Any], status: dict[str, str], execution_status: str | None
) -> dict[str, str]:
    """Status by node id, the pseudo-states included."""
    ids = _ids(definition)
    by_id = {ids[name]: value for name, value in status.items() if name in ids}
    if by_id:
        by_id[START] = SUCCEEDED
    if execution_status == "SUCCEEDED":
        by_id[END] = SUCCEEDED
    return by_id


def marks(
    definition: dict[str, Any], status: dict[str, str], execution_status: str | None
) -> dict[str, Any]:
    """What to mark on the layout: each box's status and the transitions taken, by box id."""
    by_id = _path_status(definition, status, execution_status)
    taken_edges = [
        [source, target]
        for source, target, _ in _transitions(definition)
        if by_id.get(source) == SUCCEEDED and target in by_id
    ]
    return {"status": by_id, "taken": taken_edges}


def _label(name: str, subtitle: str, note: str = "") -> str:
    """An HTML-like Graphviz label: every text escaped."""
    lines = [escape(name)]
    if subtitle:
        lines.append(f'<font point-size="10" color="#5f6368">{escape(subtitle)}</font>')
    if note:
        lines.append(f'<font point-size="10">{escape(note)}</font>')
    return "<" + "<br/>".join(lines) + ">"


def dot_graph(
    definition: dict[str, Any],
    status: dict[str, str] | None = None,
    execution_status: str | None = None,
    title: str | None = None,
) -> graphviz.Digraph:
    """The Graphviz graph of the state machine; with ``status``, coloured by it.

    Geometry depends on the definition only: sizes are fixed, and the title
    only adds a margin. Statuses change colours, line widths and a label line.
    """
    coloured = status is not None
    by_id = _path_status(definition, status or {}, execution_status)
    dot = graphviz.Digraph("statemachine")
    dot.attr(rankdir="TB", nodesep="0.45", ranksep="0.45", pad="0.3", bgcolor="white")
    dot.attr("node", fontname=FONT, fontsize="13", fixedsize="true", penwidth="1.5")
    dot.attr("edge", fontname=FONT, fontsize="11", color="#9aa0a6", arrowsize="0.7")
    if title:
        dot.attr(label=_label(title, ""), labelloc="t", fontname=FONT, fontsize="15")

    def colours(node: str) -> dict[str, str]:
        if not coloured:
            return {"fillcolor": "#ffffff", "color": "#5f6368"}
        fill, outline = COLORS[by_id.get(node, NOT_REACHED)]
        return {"fillcolor": fill, "color": outline}

    for node, text in ((START, "Start"), (END, "End")):
        dot.node(
            node,
            label=_label(text, ""),
            shape="box",
            style="rounded,filled",
            width=str(END_SIZE[0]),
            height=str(END_SIZE[1]),
            fontsize="11",
            **colours(node),
        )
    for name, node in _ids(definition).items():
        state = definition["States"][name]
        note = by_id.get(node, NOT_REACHED) if coloured else ""
        dot.node(
            node,
            label=_label(name, state_kind(state), note),
            shape="box",
            style="rounded,filled",
            width=str(STATE_SIZE[0]),
            height=str(STATE_SIZE[1]),
            **colours(node),
        )
    taken_edges = {tuple(e) for e in marks(definition, status or {}, execution_status)["taken"]}
    for source, target, label in _transitions(definition):
        bold = coloured and (source, target) in taken_edges
        attrs = {"color": "#202124", "penwidth": "2.5"} if bold else {}
        dot.edge(source, target, label=_label(label, "") if label else "", **attrs)
    return dot


def dot_program() -> Path:
    """The layout program of this environment (or on PATH); UserError when there is none."""
    beside = Path(sysconfig.get_path("scripts")) / DOT_PROGRAM
    if beside.is_file():
        return beside
    if found := shutil.which(DOT_PROGRAM):
        return Path(found)
    raise UserError(f"Graphviz's layout program '{DOT_PROGRAM}' is not installed", INSTALL_FIX)


def lay_out(dot: graphviz.Digraph, fmt: str) -> bytes:
    """The graph laid out as ``fmt`` ("json", "svg", "png") by the tooling's ``dot``."""
    check = "check the state machine's definition ('make check')"
    try:
        done = subprocess.run(
            [str(dot_program()), f"-T{fmt}"],
            input=dot.source.encode(),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UserError(
            f"Graphviz took over {DOT_TIMEOUT} s to lay out the state machine", check
        ) from None
    if done.returncode != 0:
        problem = done.stderr.decode(errors="replace").strip()
        raise UserError(f"Graphviz could not lay out the state machine: {problem:.300}", check)
    return done.stdout


def _point(text: str, height: float) -> tuple[float, float]:
    x, y = text.split(",")[:2]
    return round(float(x), 1), round(height - float(y), 1)


def _inches(value: str) -> float:
    return round(float(value) * 72, 1)


@lru_cache(maxsize=16)
def _layout(definition_json: str) -> Layout:
    definition = json.loads(definition_json)
    laid = json.loads(lay_out(dot_graph(definition), "json"))
    height = float(laid["bb"].split(",")[3])
    names = {node: name for name, node in _ids(definition).items()}
    boxes, by_gvid = [], {}
    for node in laid.get("objects", []):
        node_id = node["name"]
        by_gvid[node["_gvid"]] = node_id
        x, y = _point(node["pos"], height)
        if node_id in (START, END):
            name, kind, subtitle = node_id.capitalize(), node_id, ""
        else:
            name, kind = names[node_id], "state"
            subtitle = state_kind(definition["States"][name])
        boxes.append(
            Box(
                node_id, name, kind, subtitle, x, y, _inches(node["width"]), _inches(node["height"])
            )
        )
    labels = {(s, t): label for s, t, label in _transitions(definition)}
    lines = []
    for edge in laid.get("edges", []):
        source, target = by_gvid[edge["tail"]], by_gvid[edge["head"]]
        arrow, points = None, []
        for part in edge["pos"].split():
            if part.startswith("e,"):
                arrow = _point(part[2:], height)
            elif not part.startswith("s,"):
                points.append(_point(part, height))
        label_at = _point(edge["lp"], height) if "lp" in edge else None
        lines.append(
            Line(source, target, labels.get((source, target), ""), points, arrow, label_at)
        )
    return Layout(float(laid["bb"].split(",")[2]), height, boxes, lines)


def layout(definition: dict[str, Any]) -> Layout:
    """Where Graphviz puts each state and each transition (cached per definition)."""
    return _layout(json.dumps(definition))


def render(
    definition: dict[str, Any],
    status: dict[str, str],
    execution_status: str,
    title: str,
    fmt: str,
) -> bytes:
    """The graph with the path one execution took, as ``fmt`` ("svg" or "png")."""
    return lay_out(dot_graph(definition, status, execution_status, title), fmt)


def svg(
    definition: dict[str, Any], status: dict[str, str], execution_status: str, title: str
) -> str:
    """A standalone SVG document (starting at ``<svg``)."""
    text = render(definition, status, execution_status, title, "svg").decode()
    return text[text.index("<svg") :]
