// Names and colours for finding types, and verdicts a non-technical reader follows.
// Colours are the Okabe-Ito set (distinguishable with colour-blindness) made darker
// where needed so they keep 3:1 contrast on light photos.

export const TYPES = {
  PERSON: ["patient name", "patient names", "#d55e00"],
  MRN: ["MRN", "MRNs", "#0072b2"],
  DATE: ["date", "dates", "#007a58"],
  AGE_OVER_89: ["age over 89", "ages over 89", "#a50026"],
  PHONE_NUMBER: ["phone number", "phone numbers", "#b4457f"],
  EMAIL_ADDRESS: ["email address", "email addresses", "#b07400"],
  US_SSN: ["Social Security number", "Social Security numbers", "#2a7fb8"],
  STREET_ADDRESS: ["street address", "street addresses", "#7a5c00"],
  ACCOUNT_NUMBER: ["account number", "account numbers", "#5d3a9b"],
  HEALTH_PLAN_ID: ["health plan ID", "health plan IDs", "#1b6e35"],
  IP_ADDRESS: ["IP address", "IP addresses", "#4d4d4d"],
  MANUAL: ["area you marked", "areas you marked", "#1b1f24"],
};
const OTHER = "#6a3d9a";

export function colour(type) {
  return (TYPES[type] || [])[2] || OTHER;
}

export function label(type, n = 1) {
  const t = TYPES[type];
  if (!t) return n === 1 ? type.toLowerCase().replaceAll("_", " ") : `${type.toLowerCase().replaceAll("_", " ")}s`;
  return n === 1 ? t[0] : t[1];
}

export function typeName(type) {
  const t = label(type);
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// "2 patient names, 1 MRN and 1 date"
export function counted(types) {
  const counts = new Map();
  for (const t of types) counts.set(t, (counts.get(t) || 0) + 1);
  const parts = [...counts].map(([t, n]) => `${n} ${label(t, n)}`);
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

const DONE = { blur: "blurred", pixelate: "pixelated", box: "covered with black boxes" };

// The sentence under each photo, e.g. "2 patient names and 1 MRN found — blurred."
export function imageVerdict(card, style) {
  if (card.status === "queued") return ["", "Waiting to be checked…"];
  if (card.status === "scanning") return ["", "Checking for patient information…"];
  if (card.status === "error") return ["error", `Not checked: ${card.error} Do not post this photo.`];
  const found = card.findings;
  const on = found.filter((f) => f.on).length;
  const off = found.length - on;
  const marked = counted(card.manual.filter((m) => m.on).map(() => "MANUAL"));
  const done = DONE[style];
  if (!found.length) {
    if (marked) return ["phi", `Nothing found; ${marked} — ${done}.`];
    return ["clean", "Nothing found. Still look it over yourself before posting."];
  }
  let text = `${counted(found.map((f) => f.type))} found — `;
  text += !off ? done : !on ? "all left visible by you" : `${on} ${done}, ${off} left visible by you`;
  if (marked) text += `, plus ${marked}`;
  return ["phi", `${text}.`];
}

export function captionVerdict(report) {
  if (report.verdict === "error") return ["error", `The caption could not be checked: ${report.error}`];
  if (!report.findings.length) return ["clean", "Caption: nothing found."];
  const what = counted(report.findings.map((f) => f.entity_type));
  return ["phi", `Caption: ${what} found. Edit the caption before posting.`];
}
