// A minimal ZIP writer (stored, no compression: the photos are compressed already),
// so "Download all" needs no library and no network.

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function dosTime(d) {
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return [time, date];
}

function header(sig, fields) {
  // fields: [size, value] pairs, little-endian; size 2 or 4 bytes.
  const len = 4 + fields.reduce((n, [s]) => n + s, 0);
  const view = new DataView(new ArrayBuffer(len));
  view.setUint32(0, sig, true);
  let at = 4;
  for (const [size, value] of fields) {
    if (size === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
    at += size;
  }
  return new Uint8Array(view.buffer);
}

// files: [{name, bytes: Uint8Array}] -> Blob (application/zip). Names must be unique.
export function makeZip(files, when = new Date()) {
  const enc = new TextEncoder();
  const [time, date] = dosTime(when);
  const parts = [];
  const central = [];
  let offset = 0;
  for (const f of files) {
    const name = enc.encode(f.name);
    const crc = crc32(f.bytes);
    const common = [[2, 20], [2, 0x0800], [2, 0], [2, time], [2, date], [4, crc],
      [4, f.bytes.length], [4, f.bytes.length], [2, name.length], [2, 0]];
    const local = header(0x04034b50, common);
    parts.push(local, name, f.bytes);
    central.push(header(0x02014b50, [[2, 20], ...common, [2, 0], [2, 0], [2, 0], [4, 0], [4, offset]]), name);
    offset += local.length + name.length + f.bytes.length;
  }
  const size = central.reduce((n, p) => n + p.length, 0);
  const end = header(0x06054b50, [[2, 0], [2, 0], [2, files.length], [2, files.length], [4, size], [4, offset], [2, 0]]);
  return new Blob([...parts, ...central, end], { type: "application/zip" });
}

// "a.jpg", "a.jpg" -> "a.jpg", "a-2.jpg"
export function uniqueNames(names) {
  const seen = new Set();
  return names.map((n) => {
    let out = n;
    for (let i = 2; seen.has(out); i++) out = n.replace(/(\.[^.]*)?$/, `-${i}$1`);
    seen.add(out);
    return out;
  });
}
