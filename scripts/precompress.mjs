// Writes Brotli (.br) and gzip (.gz) copies of every compressible file of the
// web app build, the DSFR included, once at build time: the API serves them
// to browsers that accept them instead of compressing on every request.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = /\.(wasm|js|mjs|css|html|svg|json)$/;
const dir = process.argv[2];
let raw = 0;
let brotli = 0;
let files = 0;
for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
  const path = join(entry.parentPath ?? entry.path, entry.name);
  const content = readFileSync(path);
  const br = brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
    },
  });
  // A copy that is not smaller is useless: the original goes out instead.
  if (br.length >= content.length) continue;
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
  files += 1;
  raw += content.length;
  brotli += br.length;
  if (/\.wasm$/.test(entry.name)) {
    console.log(`${entry.name}: ${content.length} bytes, brotli ${br.length}`);
  }
}
console.log(`${files} files precompressed: ${raw} bytes, ${brotli} with brotli`);
