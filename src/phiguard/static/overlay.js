// The boxes over a photo: one SVG rect per finding box, in image pixel coordinates
// (viewBox = the upright image size), so the browser does all the scaling.
import { SHOWN_ONLY, colour } from "./words.js";

const SVG = "http://www.w3.org/2000/svg";
const MIN_SIDE = 6; // pixels of the image: a smaller drag is a click, not a box

function rect([x, y, w, h], cls) {
  const r = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ x, y, width: w, height: h })) r.setAttribute(k, v);
  r.setAttribute("class", cls);
  return r;
}

// Found boxes hug the glyphs; the redaction grows them (redact.pad_for in Python), so
// the page shows the grown box: what the user sees is what gets hidden.
function padded([x, y, w, h], width, height) {
  const p = Math.max(3, Math.round(0.4 * Math.min(h, 60)));
  const x0 = Math.max(0, x - p);
  const y0 = Math.max(0, y - p);
  return [x0, y0, Math.min(width, x + w + p) - x0, Math.min(height, y + h + p) - y0];
}

// Draw every box of every finding and manual area. `item.key` links rects and list rows.
export function drawBoxes(svg, card) {
  svg.setAttribute("viewBox", `0 0 ${card.width} ${card.height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.replaceChildren();
  // Whole-area findings first, then bigger boxes before smaller ones (a census board's
  // column before the names in it), so the boxes inside stay on top and clickable.
  const pairs = [...card.findings, ...card.manual].flatMap((item) =>
    item.boxes.map((box) => [item, box]),
  );
  const area = ([, , w, h]) => w * h;
  pairs.sort(
    ([a, ab], [b, bb]) => SHOWN_ONLY.has(b.type) - SHOWN_ONLY.has(a.type) || area(bb) - area(ab),
  );
  for (const [item, box] of pairs) {
    const shown = item.type === "MANUAL" ? box : padded(box, card.width, card.height);
    const cls = SHOWN_ONLY.has(item.type) ? " area" : "";
    const r = rect(shown, (item.on ? "box" : "box off") + cls);
    r.dataset.key = item.key;
    r.dataset.type = item.type;
    r.style.setProperty("--c", colour(item.type));
    svg.append(r);
  }
}

function toImage(svg, card, event) {
  const b = svg.getBoundingClientRect();
  const x = ((event.clientX - b.left) * card.width) / b.width;
  const y = ((event.clientY - b.top) * card.height) / b.height;
  return [Math.max(0, Math.min(card.width, x)), Math.max(0, Math.min(card.height, y))];
}

// Click a box: toggle it. Drag on the photo: add a box. `on` gets ("toggle", key) or
// ("add", [x, y, w, h]).
export function wireOverlay(svg, card, on) {
  let start = null;
  let ghost = null;
  svg.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || !card.width) return;
    start = toImage(svg, card, e);
    svg.setPointerCapture(e.pointerId);
  });
  svg.addEventListener("pointermove", (e) => {
    if (!start) return;
    const [x, y] = toImage(svg, card, e);
    const box = [Math.min(x, start[0]), Math.min(y, start[1]), Math.abs(x - start[0]), Math.abs(y - start[1])];
    if (!ghost) ghost = svg.appendChild(rect(box, "drawing"));
    else [["x", 0], ["y", 1], ["width", 2], ["height", 3]].forEach(([k, i]) => ghost.setAttribute(k, box[i]));
  });
  svg.addEventListener("pointerup", (e) => {
    if (!start) return;
    const [x, y] = toImage(svg, card, e);
    const box = [Math.min(x, start[0]), Math.min(y, start[1]), Math.abs(x - start[0]), Math.abs(y - start[1])].map(Math.round);
    const target = document.elementFromPoint(e.clientX, e.clientY);
    start = null;
    ghost?.remove();
    ghost = null;
    if (box[2] >= MIN_SIDE && box[3] >= MIN_SIDE) on("add", box);
    else if (target?.dataset?.key) on("toggle", target.dataset.key);
  });
  svg.addEventListener("pointerover", (e) => e.target.dataset?.key && on("hot", e.target.dataset.key));
  svg.addEventListener("pointerout", (e) => e.target.dataset?.key && on("hot", null));
}

// Highlight one finding's boxes and list row together.
export function setHot(root, key) {
  for (const el of root.querySelectorAll(".hot")) el.classList.remove("hot");
  if (key == null) return;
  for (const el of root.querySelectorAll(`[data-key="${CSS.escape(key)}"]`)) el.classList.add("hot");
}
