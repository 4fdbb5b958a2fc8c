// The caption box: checked a moment after the user stops typing; findings are
// highlighted in a copy of the text (the text itself never leaves this computer
// except to this page's own server).
import { colour, typeName } from "./words.js";

const WAIT_MS = 500;

function highlighted(text, findings) {
  const out = document.createElement("p");
  out.className = "text";
  const spans = findings.filter((f) => f.start != null).sort((a, b) => a.start - b.start);
  let at = 0;
  for (const f of spans) {
    if (f.start < at) continue; // overlaps the previous highlight
    out.append(text.slice(at, f.start));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(f.start, f.end);
    mark.title = `${typeName(f.entity_type)}, ${Math.round(f.score * 100)}% sure`;
    mark.style.setProperty("--c", colour(f.entity_type));
    out.append(mark);
    at = f.end;
  }
  out.append(text.slice(at));
  return out;
}

export function watchCaption(box, result, verdictOf, apiError) {
  let timer = null;
  let asked = 0;
  async function check() {
    const text = box.value;
    const ticket = ++asked;
    if (!text.trim()) { result.hidden = true; return; }
    const form = new FormData();
    form.append("text", text);
    let cls, message, report = null;
    try {
      const res = await fetch("/api/text", { method: "POST", body: form });
      if (res.ok) {
        report = await res.json();
        [cls, message] = verdictOf(report);
      } else {
        [cls, message] = ["error", `The caption could not be checked: ${await apiError(res)}`];
      }
    } catch (err) {
      [cls, message] = ["error", `The caption could not be checked: ${err.message}`];
    }
    if (ticket !== asked) return; // the user typed on; a newer answer is coming
    const head = Object.assign(document.createElement("p"), { className: `verdict ${cls}`, textContent: message });
    result.replaceChildren(head);
    if (report?.findings.length) result.append(highlighted(text, report.findings));
    result.hidden = false;
    result.dataset.verdict = report ? report.verdict : "error";
  }
  box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, WAIT_MS); });
}
