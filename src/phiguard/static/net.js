// Talking to this page's own server, and handing files to the user.

import { SHOWN_ONLY } from "./words.js";

export async function apiError(res) {
  try {
    const body = await res.json();
    if (typeof body.detail === "string") return body.detail;
  } catch { /* not JSON: fall through */ }
  if (res.status === 413) return "This file is too large.";
  if (res.status === 415) return "This is not a photo phiguard can read.";
  return `The server answered ${res.status}.`;
}

// The server scans the photo again and hides every finding except the ones the user
// switched off, plus the areas drawn by hand; the copy comes back without metadata.
export async function redacted(card, style) {
  const form = new FormData();
  form.append("file", card.file, card.name);
  form.append("style", style);
  form.append("boxes", JSON.stringify({
    // An unticked chart screen or face is simply not added; excluding its area would
    // un-blur every value inside it.
    exclude: card.findings.filter((f) => !f.on && !SHOWN_ONLY.has(f.type)).flatMap((f) => f.boxes),
    // Manual areas, and shown-only findings the user ticked (the server leaves those out).
    include: [...card.manual, ...card.findings.filter((f) => SHOWN_ONLY.has(f.type))]
      .filter((m) => m.on).flatMap((m) => m.boxes),
  }));
  const res = await fetch("/api/redact", { method: "POST", body: form });
  if (!res.ok) throw new Error(await apiError(res));
  const name = decodeURIComponent((res.headers.get("content-disposition") || "").split("''")[1] || "safe.png");
  return { name, blob: await res.blob() };
}

export function save(blob, name) {
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export async function withBusy(button, label, work) {
  const old = button.textContent;
  button.disabled = true;
  button.textContent = label;
  const card = button.closest(".card");
  const message = card ? card.querySelector(".message") : document.querySelector("#overall");
  try {
    await work();
    if (card) message.hidden = true;
  } catch (err) {
    message.textContent = `That did not work: ${err.message}`;
    message.hidden = false;
  } finally {
    button.textContent = old;
    button.disabled = false;
  }
}
