"""What a reader sees of a graphkit map, measured in the page itself (headless Chromium via Playwright).

Label boxes come from vis-network (each node's ``labelModule.size``, mapped through ``canvasToDOM``), not from
estimates; crossings are counted among the edges the page shows by default, at the positions it draws.
Used by the browser tests and by ``benchmarks/map.py``.
"""

from __future__ import annotations

MEASURE_JS = r"""
() => {
  const g = window.graphkit, net = g.network, body = net.body;
  const pane = document.getElementById('gk-network').getBoundingClientRect();
  const scale = net.getScale();
  const thr = (net.body.nodes && Object.values(body.nodes)[0] && Object.values(body.nodes)[0].options.scaling
               && Object.values(body.nodes)[0].options.scaling.label.drawThreshold) || 5;
  const labels = [], shapes = [];
  let smallest = Infinity;
  for (const id of g.nodes.getIds()) {
    const n = body.nodes[id];
    if (!n || n.options.hidden) continue;
    const bb = n.shape.boundingBox;
    const a = net.canvasToDOM({x: bb.left, y: bb.top}), b = net.canvasToDOM({x: bb.right, y: bb.bottom});
    shapes.push([a.x, a.y, b.x, b.y]);
    const text = n.options.label;
    if (!text) continue;
    const s = n.labelModule.size;
    const p = net.canvasToDOM({x: s.left, y: s.top}), q = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
    const px = n.options.font.size * scale;
    const inside = p.x >= -1 && q.x <= pane.width + 1 && p.y >= -1 && q.y <= pane.height + 1;
    labels.push({id, text, x0: p.x, y0: p.y, x1: q.x, y1: q.y, px, drawn: px >= thr && inside,
                 seed: !!(g.data.info.find(i => i.id === id) || {}).kind && (g.data.info.find(i => i.id === id).kind === 'seed')});
    smallest = Math.min(smallest, px);
  }
  const overl = new Set(), shown = labels.filter(l => l.drawn);  // what a reader sees: the labels drawn
  for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
    const A = shown[i], B = shown[j];
    if (A.x0 < B.x1 && B.x0 < A.x1 && A.y0 < B.y1 && B.y0 < A.y1) { overl.add(A.id); overl.add(B.id); }
  }
  const pos = net.getPositions();
  const segs = [];
  for (const e of g.edges.get()) {
    if (e.hidden) continue;
    const a = pos[e.from], b = pos[e.to];
    if (a && b) segs.push([a.x, a.y, b.x, b.y, e.from, e.to]);
  }
  const o = (ax, ay, bx, by, cx, cy) => Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
  let crossings = 0;
  for (let i = 0; i < segs.length; i++) for (let j = i + 1; j < segs.length; j++) {
    const [a1, b1, c1, d1, f1, t1] = segs[i], [a2, b2, c2, d2, f2, t2] = segs[j];
    if (f1 === f2 || f1 === t2 || t1 === f2 || t1 === t2) continue;
    if (o(a1, b1, c1, d1, a2, b2) * o(a1, b1, c1, d1, c2, d2) < 0 && o(a2, b2, c2, d2, a1, b1) * o(a2, b2, c2, d2, c1, d1) < 0) crossings++;
  }
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [a, b, c, d] of shapes.concat(labels.map(l => [l.x0, l.y0, l.x1, l.y1]))) {
    x0 = Math.min(x0, a); y0 = Math.min(y0, b); x1 = Math.max(x1, c); y1 = Math.max(y1, d);
  }
  const cw = Math.max(0, Math.min(x1, pane.width) - Math.max(x0, 0)), ch = Math.max(0, Math.min(y1, pane.height) - Math.max(y0, 0));
  const seeds = labels.filter(l => l.seed);
  return {
    pane: [Math.round(pane.width), Math.round(pane.height)],
    nodes: g.nodes.length, labels: labels.length, drawn: labels.filter(l => l.drawn).length,
    seeds: seeds.length, seeds_drawn: seeds.filter(l => l.drawn).length,
    overlapping: overl.size, overlap_share: shown.length ? overl.size / shown.length : 0,
    smallest_px: labels.length ? Math.round(smallest * 10) / 10 : null,
    edges_drawn: segs.length, crossings,
    coverage: Math.round(1000 * Math.max(cw / pane.width, 0) * Math.max(ch / pane.height, 0)) / 1000,
    coverage_w: Math.round(1000 * cw / pane.width) / 1000, coverage_h: Math.round(1000 * ch / pane.height) / 1000,
    ready_ms: g.readyAt ? Math.round(g.readyAt) : null,
  };
}
"""


def measure(frame) -> dict:
    """The figures of the map in ``frame`` (a Playwright page or frame whose map is ready)."""
    return frame.evaluate(MEASURE_JS)


def embed_page(index_name: str = "index.html", width: int = 760, height: int = 640) -> str:
    """A blog-like page holding the map in an iframe of ``width``×``height``, as `graphkit embed` suggests."""
    return (
        '<!doctype html><meta charset="utf-8"><body style="margin:0">'
        f'<iframe id="f" src="{index_name}" title="map" style="width:{width}px;height:{height}px;border:0">'
        "</iframe>"
    )
