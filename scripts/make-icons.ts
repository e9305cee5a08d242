/** Draws the toolbar icons (a page with highlighted lines) as PNGs into public/icons. Run once by hand. */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];
const NAVY: Rgba = [31, 58, 95, 255];
const AMBER: Rgba = [255, 193, 7, 255];
const PALE: Rgba = [223, 231, 241, 255];
const GREEN: Rgba = [76, 175, 80, 255];
/** Shapes on a 128-unit grid: x, y, width, height, colour. */
const SHAPES: [number, number, number, number, Rgba][] = [
  [8, 8, 112, 112, NAVY], [24, 30, 80, 18, AMBER], [24, 56, 60, 12, PALE], [24, 76, 76, 12, PALE], [24, 96, 48, 12, GREEN],
];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function icon(size: number): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const gx = ((x + 0.5) * 128) / size;
      const gy = ((y + 0.5) * 128) / size;
      let px: Rgba = [0, 0, 0, 0];
      for (const [sx, sy, w, h, c] of SHAPES) if (gx >= sx && gx < sx + w && gy >= sy && gy < sy + h) px = c;
      raw.set(px, y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

for (const size of [16, 48, 128]) writeFileSync(new URL(`../public/icons/${size}.png`, import.meta.url), icon(size));
