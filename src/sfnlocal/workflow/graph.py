"""The state machine as a graph, with the path one execution took: statuses per
state, a layered layout, and an SVG drawing of it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

SUCCEEDED, FAILED, RUNNING, NOT_REACHED = "succeeded", "failed", "running", "not reached"
COLORS = {
    SUCCEEDED: ("#e6f4ea", "#1e8e3e"),
    FAILED: ("#fce8e6", "#d93025"),
    RUNNING: ("#e8f0fe", "#1a73e8"),
    NOT_REACHED: ("#f1f3f4", "#9aa0a6"),
}
BOX_WIDTH, BOX_HEIGHT, GAP_X, GAP_Y, MARGIN = 260, 44, 40, 56, 24


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""


def edges(definition: dict[str, Any]) -> list[Edge]:
    found = []
    for name, state in definition["States"].items():
        for choice in state.get("Choices", []):
            label = next((str(v) for k, v in choice.items() if k.endswith("Equals")), "")
            found.append(Edge(name, choice["Next"], label))
        if "Default" in state:
            found.append(Edge(name, state["Default"], "default"))
        if "Next" in state:
            found.append(Edge(name, state["Next"]))
    return found


def layers(definition: dict[str, Any]) -> list[list[str]]:
    """States by distance from StartAt (longest path, so a join sits below its branches)."""
    depth = {definition["StartAt"]: 0}
    graph = edges(definition)
    for _ in range(len(definition["States"])):
        for edge in graph:
            if edge.source in depth and depth.get(edge.target, -1) < depth[edge.source] + 1:
                depth[edge.target] = depth[edge.source] + 1
    rows: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for name in definition["States"]:
        if name in depth:
            rows[depth[name]].append(name)
    return rows


def statuses(events: list[dict[str, Any]], execution_status: str) -> dict[str, str]:
    """Each state's status in this execution's history."""
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


def taken(edge: Edge, status: dict[str, str]) -> bool:
    return status.get(edge.source) == SUCCEEDED and edge.target in status


def svg(definition: dict[str, Any], status: dict[str, str], title: str) -> str:
    rows = layers(definition)
    widest = max(len(row) for row in rows)
    width = widest * BOX_WIDTH + (widest - 1) * GAP_X + 2 * MARGIN
    height = len(rows) * BOX_HEIGHT + (len(rows) - 1) * GAP_Y + 2 * MARGIN + 30
    centre: dict[str, tuple[float, float]] = {}
    for level, row in enumerate(rows):
        row_width = len(row) * BOX_WIDTH + (len(row) - 1) * GAP_X
        for index, name in enumerate(row):
            x = (width - row_width) / 2 + index * (BOX_WIDTH + GAP_X) + BOX_WIDTH / 2
            y = MARGIN + 30 + level * (BOX_HEIGHT + GAP_Y) + BOX_HEIGHT / 2
            centre[name] = (x, y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="13">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#5f6368"/>'
        "</marker></defs>",
        f'<rect width="100%" height="100%" fill="white"/><text x="{MARGIN}" y="{MARGIN + 6}" '
        f'font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for edge in edges(definition):
        if edge.source not in centre or edge.target not in centre:
            continue
        (x1, y1), (x2, y2) = centre[edge.source], centre[edge.target]
        bold = taken(edge, status)
        parts.append(
            f'<line x1="{x1:.0f}" y1="{y1 + BOX_HEIGHT / 2:.0f}" x2="{x2:.0f}" '
            f'y2="{y2 - BOX_HEIGHT / 2:.0f}" stroke="{"#202124" if bold else "#bdc1c6"}" '
            f'stroke-width="{3 if bold else 1.5}" marker-end="url(#arrow)"/>'
        )
        if edge.label:
            parts.append(
                f'<text x="{(x1 + x2) / 2 + 6:.0f}" y="{(y1 + y2) / 2 + 4:.0f}" '
                f'fill="#5f6368">{escape(edge.label)}</text>'
            )
    for name, (x, y) in centre.items():
        state = status.get(name, NOT_REACHED)
        fill, stroke = COLORS[state]
        parts.append(
            f'<rect x="{x - BOX_WIDTH / 2:.0f}" y="{y - BOX_HEIGHT / 2:.0f}" width="{BOX_WIDTH}" '
            f'height="{BOX_HEIGHT}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
            f'<text x="{x:.0f}" y="{y - 2:.0f}" text-anchor="middle">{escape(name)}</text>'
            f'<text x="{x:.0f}" y="{y + 14:.0f}" text-anchor="middle" font-size="11" '
            f'fill="{stroke}">{state}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
