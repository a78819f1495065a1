// The console's pages: they read the JSON API and build the DOM with
// createElement and textContent only (never innerHTML), so a value from the
// stack can never become markup. Hand-written rather than a framework: a few
// hundred lines, no build step, every byte served by the project.
"use strict";

const TOKEN = document.querySelector('meta[name="console-token"]').content;
const SVG = "http://www.w3.org/2000/svg";
const STATUS_CLASS = {
  SUCCEEDED: "succeeded", FAILED: "failed", RUNNING: "running",
  TIMED_OUT: "failed", ABORTED: "failed", PENDING_REDRIVE: "failed",
};

// -- helpers -------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api(method, path, body) {
  const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.headers["X-Console-Token"] = TOKEN;
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ problem: `HTTP ${response.status}` }));
  if (!response.ok) throw Object.assign(new Error(data.problem), data);
  return data;
}

function pretty(value) {
  if (value === null || value === undefined) return "-";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

function compact(value) {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function time(iso) {
  if (!iso) return "-";
  const date = new Date(iso);
  return `${date.toLocaleDateString("en-CA")} ${date.toLocaleTimeString("en-GB")}`;
}

function seconds(value) {
  return value === null || value === undefined ? "-" : `${value.toFixed(2)} s`;
}

function badge(status) {
  const label = status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, " ");
  return el("span", { class: `badge ${STATUS_CLASS[status] || ""}`, "data-status": status }, label);
}

function notice(text, kind) {
  const box = el("div", { class: `notice ${kind || "ok"}`, role: "status" }, text,
    el("button", { class: "close", "aria-label": "dismiss", onclick: () => box.remove() }, "×"));
  document.getElementById("notices").append(box);
}

function problem(error) {
  return error.fix ? `${error.message}. Fix: ${error.fix}` : error.message;
}

function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function poll(refresh, everyMs) {
  const live = document.getElementById("live");
  let timer = null;
  const tick = async () => {
    let again = true;
    try {
      again = (await refresh()) !== false;
      if (live) { live.textContent = `live · ${new Date().toLocaleTimeString("en-GB")}`; live.classList.remove("stale"); }
    } catch (error) {
      if (live) { live.textContent = `not updated: ${problem(error)}`; live.classList.add("stale"); }
    }
    if (again) timer = setTimeout(tick, everyMs);
  };
  tick();
  return () => clearTimeout(timer);
}

// -- the graph -----------------------------------------------------------------

const MARGIN = 16;

function drawGraph(container, layout, marks, onSelect) {
  const width = layout.width + 2 * MARGIN, height = layout.height + 2 * MARGIN;
  const svg = svgEl("svg", { viewBox: `${-MARGIN} ${-MARGIN} ${width} ${height}`, width, height, role: "img", "aria-label": "state machine graph" });
  const defs = svgEl("defs");
  for (const kind of ["plain", "taken"]) {
    const marker = svgEl("marker", { id: `arrow-${kind}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerUnits: "userSpaceOnUse", markerWidth: 10, markerHeight: 10, orient: "auto-start-reverse" });
    marker.append(svgEl("path", { d: "M0,0 L10,5 L0,10 z", class: `arrowhead ${kind}` }));
    defs.append(marker);
  }
  svg.append(defs);
  const status = (marks && marks.status) || {};
  const taken = new Set(((marks && marks.taken) || []).map(([s, t]) => `${s}>${t}`));
  for (const line of layout.lines) {
    const [first, ...rest] = line.points;
    let d = `M${first[0]},${first[1]}`;
    for (let i = 0; i + 2 < rest.length; i += 3) {
      d += ` C${rest[i][0]},${rest[i][1]} ${rest[i + 1][0]},${rest[i + 1][1]} ${rest[i + 2][0]},${rest[i + 2][1]}`;
    }
    if (line.arrow) d += ` L${line.arrow[0]},${line.arrow[1]}`;
    const isTaken = taken.has(`${line.source}>${line.target}`);
    const group = svgEl("g", { class: `edge${isTaken ? " taken" : ""}`, "data-source": line.source, "data-target": line.target });
    group.append(svgEl("path", { d, "marker-end": `url(#arrow-${isTaken ? "taken" : "plain"})` }));
    if (line.label && line.label_at) {
      group.append(svgEl("text", { x: line.label_at[0], y: line.label_at[1] + 4, "text-anchor": "middle", class: "edge-label" }, line.label));
    }
    svg.append(group);
  }
  for (const box of layout.boxes) {
    const state = status[box.id] || (marks ? "not reached" : "plain");
    const cls = state.replace(" ", "-");
    const group = svgEl("g", {
      class: `node ${box.kind} ${cls}`, "data-id": box.id, "data-state": box.name, "data-status": state,
      transform: `translate(${box.x - box.width / 2},${box.y - box.height / 2})`,
    });
    group.append(svgEl("rect", { width: box.width, height: box.height, rx: box.kind === "state" ? 8 : box.height / 2 }));
    if (box.kind === "state") {
      group.append(svgEl("text", { x: box.width / 2, y: box.height / 2 - 3, "text-anchor": "middle", class: "node-name" }, box.name));
      group.append(svgEl("text", { x: box.width / 2, y: box.height / 2 + 14, "text-anchor": "middle", class: "node-kind" }, box.subtitle));
      if (onSelect) {
        group.setAttribute("tabindex", "0");
        group.setAttribute("role", "button");
        group.setAttribute("aria-label", `${box.name}: ${state}`);
        group.addEventListener("click", () => onSelect(box.name));
        group.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") onSelect(box.name); });
      }
    } else {
      group.append(svgEl("text", { x: box.width / 2, y: box.height / 2 + 4, "text-anchor": "middle", class: "node-kind" }, box.name));
    }
    svg.append(group);
  }
  container.replaceChildren(svg);
  // Browser fonts differ from Graphviz's metrics: squeeze a name that would overflow its box.
  for (const text of svg.querySelectorAll(".node text")) {
    const room = Number(text.parentNode.querySelector("rect").getAttribute("width")) - 14;
    if (text.getComputedTextLength() > room) {
      text.setAttribute("textLength", room);
      text.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  }
}

// -- Start execution -----------------------------------------------------------

function setUpStartDialog() {
  const dialog = document.getElementById("start-dialog");
  const form = document.getElementById("start-form");
  const error = document.getElementById("start-error");
  const nameBox = document.getElementById("start-name");
  const inputBox = document.getElementById("start-input");
  const submit = document.getElementById("start-submit");
  let loaded = false;
  const open = async () => {
    error.hidden = true;
    if (!loaded) {
      try {
        const machine = await api("GET", "/api/state-machine");
        inputBox.value = JSON.stringify(machine.sample_input, null, 2);
        document.getElementById("cloudwatch-note").textContent = machine.cloudwatch_note;
        loaded = true;
      } catch (failure) {
        error.textContent = problem(failure);
        error.hidden = false;
      }
    }
    dialog.showModal();
    nameBox.focus();
  };
  for (const button of document.querySelectorAll("[data-open-start]")) button.addEventListener("click", open);
  document.getElementById("start-cancel").addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      const started = await api("POST", "/api/executions", { name: nameBox.value, input: inputBox.value });
      window.location.assign(`/executions/${encodeURIComponent(started.name)}`);
    } catch (failure) {
      error.textContent = problem(failure);
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
}

// -- pages ---------------------------------------------------------------------

async function stateMachinePage() {
  const machine = await api("GET", "/api/state-machine");
  drawGraph(document.getElementById("graph"), machine.layout, null, null);
}

function executionLink(name) {
  return el("a", { href: `/executions/${encodeURIComponent(name)}` }, name);
}

function executionsPage() {
  const tbody = document.querySelector("#executions tbody");
  poll(async () => {
    const listed = await api("GET", "/api/executions");
    document.getElementById("executions-empty").hidden = listed.length > 0;
    replaceRows(tbody, listed.map((e) => el("tr", { "data-name": e.name },
      el("td", {}, executionLink(e.name)),
      el("td", {}, badge(e.status)),
      el("td", {}, e.path || "-"),
      el("td", { class: "num" }, e.price === null ? "-" : e.price),
      el("td", { class: "num" }, seconds(e.duration)),
      el("td", {}, time(e.started)))));
  }, 2000);
}

function executionPage(name) {
  let selected = null, latest = null, tab = "input";
  const panel = document.getElementById("step-panel");
  const showStep = () => {
    if (!latest || !selected) return;
    const step = latest.steps.find((s) => s.name === selected);
    if (!step) return;
    document.getElementById("step-empty").hidden = true;
    document.getElementById("step-body").hidden = false;
    document.getElementById("step-title").textContent = step.name;
    document.getElementById("step-status").replaceChildren(badge(step.status === "not reached" ? "NOT_REACHED" : step.status.toUpperCase()));
    const box = latest.layout.boxes.find((b) => b.name === step.name);
    document.getElementById("step-kind").textContent = box ? box.subtitle : "";
    for (const button of document.querySelectorAll(".step-tabs button")) {
      button.setAttribute("aria-selected", String(button.dataset.tab === tab));
    }
    if (tab === "input") panel.textContent = step.status === "not reached" ? "This state was not reached." : pretty(step.input);
    else if (tab === "output") panel.textContent = step.output === null ? "No output (yet)." : pretty(step.output);
    else {
      const details = { resource: step.resource, parameters: step.parameters, result: step.result, error: step.error, cause: step.cause, entered_after_seconds: step.entered_after, duration_seconds: step.duration };
      for (const key of Object.keys(details)) if (details[key] === null) delete details[key];
      panel.textContent = Object.keys(details).length ? pretty(details) : "No task details: this state calls no resource.";
    }
    for (const node of document.querySelectorAll("#graph .node")) node.classList.toggle("selected", node.dataset.state === selected);
  };
  for (const button of document.querySelectorAll(".step-tabs button")) {
    button.addEventListener("click", () => { tab = button.dataset.tab; showStep(); });
  }
  const select = (state) => { selected = state; showStep(); };
  poll(async () => {
    const execution = await api("GET", `/api/executions/${encodeURIComponent(name)}`);
    latest = execution;
    document.getElementById("execution-status").replaceChildren(badge(execution.status));
    document.getElementById("approval-link").hidden = !execution.waiting_for_approval;
    const rows = [
      ["Execution ARN", execution.arn, "mono wide"], ["Status", badge(execution.status)],
      ["Started", time(execution.started)], ["Ended", time(execution.stopped)],
      ["Duration", seconds(execution.duration)], ["Path taken", execution.path || "-"],
      ["Stock price", execution.price === null ? "-" : execution.price],
    ];
    if (execution.error) rows.push(["Error", execution.error, "error"], ["Cause", pretty(execution.cause), "error"]);
    document.getElementById("execution-details").replaceChildren(...rows.map(([term, value, cls]) =>
      el("div", { class: cls && cls.includes("wide") ? "wide" : null }, el("dt", {}, term), el("dd", { class: cls }, value))));
    document.getElementById("execution-input").textContent = pretty(execution.input);
    document.getElementById("execution-output").textContent = pretty(execution.output);
    drawGraph(document.getElementById("graph"), execution.layout, execution.marks, select);
    showStep();
    replaceRows(document.querySelector("#events tbody"), execution.events.map((e) =>
      el("tr", {},
        el("td", { class: "num" }, e.id),
        el("td", { class: "nowrap" }, el("details", {}, el("summary", {}, e.type), el("pre", { class: "code small" }, pretty(e.details)))),
        el("td", {}, e.step || "-"),
        el("td", { class: "mono small" }, e.resource || "-"),
        el("td", { class: "num" }, `${Math.round(e.after * 1000)} ms`),
        el("td", { class: "nowrap" }, time(e.timestamp)))));
    return execution.status === "RUNNING";
  }, 1000);
}

function approvalsPage() {
  const tbody = document.querySelector("#approvals tbody");
  const busy = new Set();
  // One row per waiting execution, kept while it waits: a redraw adds and removes
  // rows around it, so a reason being typed keeps its text and its focus.
  const rows = new Map();
  const answer = async (name, action, reason) => {
    busy.add(name);
    try {
      const path = `/api/approvals/${encodeURIComponent(name)}/${action}`;
      const result = await api("POST", path, action === "reject" ? { reason } : {});
      notice(result.message, action === "approve" ? "ok" : "warn");
    } catch (failure) {
      notice(problem(failure), "bad");
    } finally {
      busy.delete(name);
      refresh();
    }
  };
  const approvalRow = (p) => {
    const reason = el("input", {
      class: "reason", placeholder: "reason for a rejection", "aria-label": `reason to reject ${p.name}`,
    });
    return el("tr", { "data-name": p.name },
      el("td", {}, executionLink(p.name)),
      el("td", {}, time(p.waiting_since)),
      el("td", {}, el("code", {}, compact(p.input))),
      el("td", { class: "answer" },
        el("button", { class: "button primary", onclick: () => answer(p.name, "approve") }, "Approve"),
        reason,
        el("button", { class: "button danger", onclick: () => answer(p.name, "reject", reason.value) }, "Reject")));
  };
  const showRows = (pending) => {
    const names = new Set(pending.map((p) => p.name));
    for (const [name, row] of rows) {
      if (!names.has(name)) { row.remove(); rows.delete(name); }
    }
    let next = null; // from the last: a new row goes before the one that follows it
    for (const p of [...pending].reverse()) {
      let row = rows.get(p.name);
      if (!row) {
        row = approvalRow(p);
        rows.set(p.name, row);
        tbody.insertBefore(row, next);
      }
      for (const button of row.querySelectorAll("button")) button.disabled = busy.has(p.name);
      next = row;
    }
  };
  const modeButtons = document.querySelectorAll("[data-mode]");
  for (const button of modeButtons) {
    button.addEventListener("click", async () => {
      for (const b of modeButtons) b.disabled = true;
      try {
        notice((await api("POST", "/api/approvals/mode", { mode: button.dataset.mode })).message);
      } catch (failure) {
        notice(problem(failure), "bad");
      }
      refresh();
    });
  }
  const refresh = async () => {
    const state = await api("GET", "/api/approvals");
    for (const button of modeButtons) {
      button.disabled = false;
      button.setAttribute("aria-checked", String(button.dataset.mode === state.mode));
      button.classList.toggle("primary", button.dataset.mode === state.mode);
    }
    document.getElementById("mode-current").textContent = `The approval mode is ${state.mode}.`;
    document.getElementById("approvals-empty").hidden = state.pending.length > 0;
    showRows(state.pending);
  };
  poll(refresh, 2000);
}

function resourcesPage() {
  poll(async () => {
    const data = await api("GET", "/api/resources");
    document.getElementById("stack-line").textContent = `Stack ${data.endpoint}, region ${data.region}, account ${data.account_id}`;
    document.getElementById("resources-count").textContent = `(${data.resources.length})`;
    replaceRows(document.querySelector("#resources tbody"), data.resources.map((r) =>
      el("tr", { "data-logical-id": r.logical_id },
        el("td", { class: "nowrap small" }, r.type), el("td", {}, r.logical_id), el("td", {}, r.name),
        el("td", { class: "mono small arn" }, r.arn),
        el("td", { class: "state" }, el("span", { class: `badge ${r.ok ? "succeeded" : "failed"}` }, r.state),
          el("div", { class: "muted small" }, r.detail)))));
    document.getElementById("reports-count").textContent = `(${data.reports.length})`;
    document.getElementById("reports-since").textContent = data.reports_problem
      ? `Not subscribed to the topic: ${data.reports_problem}`
      : `Since the console started (${time(data.reports_since)}), newest first.`;
    document.getElementById("reports-empty").hidden = data.reports.length > 0;
    replaceRows(document.querySelector("#reports tbody"), data.reports.map((r) =>
      el("tr", {}, el("td", { class: "nowrap" }, time(r.timestamp)), el("td", { class: "mono small" }, r.message_id),
        el("td", {}, el("code", {}, compact(r.message))))));
  }, 3000);
}

function localTimes() {
  for (const node of document.querySelectorAll("[data-time]")) if (node.dataset.time) node.textContent = time(node.dataset.time);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpStartDialog();
  localTimes();
  const page = document.body.dataset.page;
  const show = (failure) => notice(problem(failure), "bad");
  if (page === "state_machine") stateMachinePage().catch(show);
  else if (page === "executions") executionsPage();
  else if (page === "execution") executionPage(document.body.dataset.execution);
  else if (page === "approvals") approvalsPage();
  else if (page === "resources") resourcesPage();
});
