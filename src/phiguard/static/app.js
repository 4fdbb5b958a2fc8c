// The review page: add photos, check them one at a time, let the user adjust the
// boxes, download safe copies. Photos go only to this page's own server.
import { drawBoxes, setHot, wireOverlay } from "./overlay.js";
import { SHOWN_ONLY, captionVerdict, colour, imageVerdict, typeName } from "./words.js";
import { makeZip, uniqueNames } from "./zip.js";
import { watchCaption } from "./caption.js";
import { apiError, redacted, save, withBusy } from "./net.js";

const $ = (sel, root = document) => root.querySelector(sel);
const cards = [];
const queue = [];
let info = { max_bytes: 25 * 1024 * 1024, max_pixels: 100_000_000 };
let running = false;
let nextKey = 0;

const style = () => $("input[name=style]:checked").value;

function addFiles(files) {
  for (const file of files) {
    const card = { file, name: file.name || "pasted image.png", findings: [], manual: [],
      status: "queued", width: 0, height: 0 };
    card.el = $("#card-tpl").content.firstElementChild.cloneNode(true);
    $(".name", card.el).textContent = card.name;
    card.photoUrl = URL.createObjectURL(file);
    $("img", card.el).src = card.photoUrl;
    $("img", card.el).alt = `Photo ${card.name}`;
    wireCard(card);
    cards.push(card);
    $("#cards").append(card.el);
    if (file.size > info.max_bytes) {
      fail(card, `This file is ${mb(file.size)}; the limit is ${mb(info.max_bytes)}.`);
    } else if (file.type && !file.type.startsWith("image/")) {
      fail(card, "This is not a photo. Use JPEG, PNG, WebP, HEIC, GIF, TIFF or BMP.");
    } else {
      queue.push(card);
    }
    render(card);
  }
  $("#howto").hidden = !cards.length;
  pump();
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

function fail(card, message) {
  card.status = "error";
  card.error = message.endsWith(".") ? message : `${message}.`;
}

// Check queued photos one after another: the server runs one OCR at a time anyway.
async function pump() {
  if (running) return;
  running = true;
  while (queue.length) {
    const card = queue.shift();
    if (!cards.includes(card)) continue;
    card.status = "scanning";
    render(card);
    await scan(card);
    render(card);
  }
  running = false;
  overall();
}

async function scan(card) {
  const form = new FormData();
  form.append("file", card.file, card.name);
  try {
    const res = await fetch("/api/scan", { method: "POST", body: form });
    if (!res.ok) return fail(card, await apiError(res));
    const report = await res.json();
    if (report.verdict === "error") return fail(card, report.error || "The photo could not be checked.");
    card.status = "done";
    card.width = report.width;
    card.height = report.height;
    card.findings = report.findings.map((f) => ({
      key: `f${nextKey++}`, type: f.entity_type, text: f.text, score: f.score,
      boxes: f.boxes, on: !SHOWN_ONLY.has(f.entity_type),
    }));
  } catch (err) {
    fail(card, `The server could not be reached (${err.message})`);
  }
}

function act(card, what, arg) {
  if (what === "hot") return setHot(card.el, arg);
  if (what === "add") {
    card.manual.push({ key: `m${nextKey++}`, type: "MANUAL", boxes: [arg], on: true });
  } else if (what === "toggle") {
    const item = [...card.findings, ...card.manual].find((f) => f.key === arg);
    if (item) item.on = !item.on;
  } else if (what === "drop") {
    card.manual = card.manual.filter((m) => m.key !== arg);
  }
  render(card);
}

function wireCard(card) {
  wireOverlay($(".overlay", card.el), card, (what, arg) => card.status === "done" && act(card, what, arg));
  $(".download", card.el).addEventListener("click", () => downloadOne(card));
  $(".preview", card.el).addEventListener("click", () => preview(card));
  $(".remove", card.el).addEventListener("click", () => {
    cards.splice(cards.indexOf(card), 1);
    if (card.previewUrl) URL.revokeObjectURL(card.previewUrl);
    URL.revokeObjectURL(card.photoUrl);
    card.el.remove();
    $("#howto").hidden = !cards.length;
    overall();
  });
}

function findingRow(card, item) {
  const li = document.createElement("li");
  li.dataset.key = item.key;
  li.style.setProperty("--c", colour(item.type));
  li.classList.toggle("off", !item.on);
  const label = document.createElement("label");
  const box = document.createElement("input");
  box.type = "checkbox";
  box.checked = item.on;
  box.title = "Ticked: hidden in the download";
  box.addEventListener("change", () => act(card, "toggle", item.key));
  const type = Object.assign(document.createElement("span"), { className: "type", textContent: typeName(item.type) });
  const text = Object.assign(document.createElement("span"), { className: "masked", textContent: item.text || "" });
  const score = Object.assign(document.createElement("span"), { className: "score" });
  score.textContent = item.score != null ? `${Math.round(item.score * 100)}% sure` : "";
  label.append(box, type, text, score);
  li.append(label);
  if (item.type === "MANUAL") {
    const drop = Object.assign(document.createElement("button"), { type: "button", textContent: "×" });
    drop.setAttribute("aria-label", "Delete this area");
    drop.addEventListener("click", () => act(card, "drop", item.key));
    label.append(drop);
  }
  li.addEventListener("pointerenter", () => setHot(card.el, item.key));
  li.addEventListener("pointerleave", () => setHot(card.el, null));
  return li;
}

function render(card) {
  const [cls, text] = imageVerdict(card, style());
  const verdict = $(".verdict", card.el);
  verdict.className = `verdict ${cls}`;
  verdict.textContent = text;
  card.el.classList.toggle("busy", card.status === "scanning" || card.status === "queued");
  card.el.dataset.status = card.status;
  if (card.width) drawBoxes($(".overlay", card.el), card);
  const list = $(".findings", card.el);
  const items = [...card.findings, ...card.manual];
  list.replaceChildren(...items.map((f) => findingRow(card, f)));
  if (card.status === "done" && !items.length) {
    list.append(Object.assign(document.createElement("li"), { className: "none", textContent: "No patient information found." }));
  }
  $(".download", card.el).disabled = card.status !== "done";
  $(".preview", card.el).disabled = card.status !== "done";
  if (card.previewUrl) endPreview(card); // boxes or style changed: the preview is stale
  legend();
  overall();
}

function legend() {
  const types = [...new Set(cards.flatMap((c) => [...c.findings, ...c.manual].map((f) => f.type)))];
  const el = $("#legend");
  el.hidden = !types.length;
  const entries = types.map((t) => [colour(t), typeName(t), ""]).concat([["", "Left visible", "off"]]);
  el.replaceChildren(...entries.map(([c, name, cls]) => {
    const span = document.createElement("span");
    const sw = Object.assign(document.createElement("i"), { className: `swatch ${cls}` });
    if (c) sw.style.setProperty("--c", c);
    span.append(sw, name);
    return span;
  }));
}

function overall() {
  const done = cards.filter((c) => c.status === "done");
  const waiting = cards.filter((c) => c.status === "queued" || c.status === "scanning").length;
  const errors = cards.length - done.length - waiting;
  let text = "";
  if (waiting) text = `Checking photo ${cards.length - waiting + 1} of ${cards.length}…`;
  else if (cards.length) text = `${done.length} of ${cards.length} photo${cards.length > 1 ? "s" : ""} checked`;
  if (errors) text += ` · ${errors} could not be checked`;
  $("#overall").textContent = text;
  $("#download-all").disabled = !done.length || waiting > 0;
}

// Show the safe copy in place of the photo, exactly as it will be downloaded.
function preview(card) {
  if (card.previewUrl) return endPreview(card);
  const button = $(".preview", card.el);
  return withBusy(button, "Preparing…", async () => {
    const { blob } = await redacted(card, style());
    card.previewUrl = URL.createObjectURL(blob);
    $("img", card.el).src = card.previewUrl;
    card.el.classList.add("previewing");
  }).then(() => {
    if (!card.previewUrl) return;
    button.textContent = "Show boxes";
    button.setAttribute("aria-pressed", "true");
  });
}

function endPreview(card) {
  URL.revokeObjectURL(card.previewUrl);
  card.previewUrl = null;
  $("img", card.el).src = card.photoUrl;
  card.el.classList.remove("previewing");
  const button = $(".preview", card.el);
  button.textContent = "Preview safe copy";
  button.setAttribute("aria-pressed", "false");
}

function downloadOne(card) {
  return withBusy($(".download", card.el), "Preparing…", async () => {
    const { name, blob } = await redacted(card, style());
    save(blob, name);
  });
}

function downloadAll() {
  return withBusy($("#download-all"), "Preparing…", async () => {
    const done = cards.filter((c) => c.status === "done");
    const files = [];
    for (const card of done) {
      const { name, blob } = await redacted(card, style());
      files.push({ name, bytes: new Uint8Array(await blob.arrayBuffer()) });
    }
    const names = uniqueNames(files.map((f) => f.name));
    save(makeZip(files.map((f, i) => ({ ...f, name: names[i] }))), "phiguard-safe-copies.zip");
  });
}

function wirePage() {
  const drop = $("#drop");
  const picker = $("#picker");
  $("#pick").addEventListener("click", () => picker.click());
  drop.addEventListener("keydown", (e) => (e.key === "Enter" || e.key === " ") && e.target === drop && picker.click());
  picker.addEventListener("change", () => { addFiles([...picker.files]); picker.value = ""; });
  for (const ev of ["dragenter", "dragover"]) {
    drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add("over"); });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    addFiles([...e.dataTransfer.files]);
  });
  // A photo dropped beside the drop zone must not make the browser open it instead.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
  document.addEventListener("paste", (e) => {
    const images = [...(e.clipboardData?.files || [])].filter((f) => f.type.startsWith("image/"));
    if (images.length) { e.preventDefault(); addFiles(images); }
  });
  for (const r of document.querySelectorAll("input[name=style]")) {
    r.addEventListener("change", () => cards.forEach(render));
  }
  $("#download-all").addEventListener("click", downloadAll);
  watchCaption($("#caption"), $("#caption-result"), captionVerdict, apiError);
}

async function start() {
  wirePage();
  try {
    info = await (await fetch("/api/info")).json();
    $("#limits").textContent = `JPEG, PNG, WebP, HEIC, GIF, TIFF or BMP, up to ${mb(info.max_bytes)} each.`;
  } catch { /* keep the defaults */ }
}

start();
