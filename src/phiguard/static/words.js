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
  CREDENTIAL: ["password or login", "passwords or logins", "#a50026"],
  CONFIDENTIAL_MARKING: ["confidential marking", "confidential markings", "#4d4d4d"],
  BARCODE: ["barcode", "barcodes", "#1b1f24"],
  QR_CODE: ["QR code", "QR codes", "#1b1f24"],
  FACE: ["face", "faces", "#0072b2"],
  CHART_SCREEN: ["patient chart or list", "patient charts or lists", "#6a3d9a"],
  WRISTBAND: ["wristband", "wristbands", "#6a3d9a"],
  RECORD_COLUMN: ["column of names or IDs", "columns of names or IDs", "#d55e00"],
  STICKY_NOTE: ["sticky note we could not read", "sticky notes we could not read", "#a50026"],
  NEEDS_REVIEW: ["area to check by eye", "areas to check by eye", "#a50026"],
  MANUAL: ["area you marked", "areas you marked", "#1b1f24"],
};
const OTHER = "#6a3d9a";

// Shown for the user to look at, not blurred unless ticked: a whole chart screen or
// wristband (its values are findings of their own), an area phiguard could not read,
// a face (a staff selfie is fine to post). Mirrors Config.blurs in Python.
export const SHOWN_ONLY = new Set(["CHART_SCREEN", "WRISTBAND", "NEEDS_REVIEW", "FACE"]);

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
  const found = card.findings.filter((f) => f.on || !SHOWN_ONLY.has(f.type));
  const toLook = card.findings.filter((f) => !f.on && SHOWN_ONLY.has(f.type)).map((f) => f.type);
  const look = toLook.length ? ` Look at ${counted(toLook)} (outlined) before posting.` : "";
  const on = found.filter((f) => f.on).length;
  const off = found.length - on;
  const marked = counted(card.manual.filter((m) => m.on).map(() => "MANUAL"));
  const done = DONE[style];
  if (!found.length) {
    if (marked) return ["phi", `Nothing found; ${marked} — ${done}.${look}`];
    if (look) return ["phi", `Nothing to blur found.${look}`];
    return ["clean", "Nothing found. Still look it over yourself before posting."];
  }
  let text = `${counted(found.map((f) => f.type))} found — `;
  text += !off ? done : !on ? "all left visible by you" : `${on} ${done}, ${off} left visible by you`;
  if (marked) text += `, plus ${marked}`;
  return ["phi", `${text}.${look}`];
}

export function captionVerdict(report) {
  if (report.verdict === "error") return ["error", `The caption could not be checked: ${report.error}`];
  if (!report.findings.length) return ["clean", "Caption: nothing found."];
  const what = counted(report.findings.map((f) => f.entity_type));
  return ["phi", `Caption: ${what} found. Edit the caption before posting.`];
}
