// Starts the web app after the first paint of the static shell, not before.
//
// Trunk makes the page fetch the app's JavaScript and wasm at once (preload
// links, a static import). On a slow phone that puts ~450 KiB in front of the
// fonts and delays the moment the shell is readable; measured with
// `just lighthouse`, starting after the first paint (and preloading the two
// Marianne fonts the shell uses, see index.html) moves the mobile score of
// the public pages from 0.79 to 0.98. This rewrites trunk's output so: it
// drops the two preload links and turns the static import into a dynamic one
// run after the first frame. It fails when trunk's output no longer has the
// expected shape (a new trunk version), rather than shipping it unchanged.
//
// Then every inline script (the loader above, the shell's two lines, the DSFR
// start) moves into a file of its own, named after its content hash, so that
// the Content-Security-Policy allows scripts from the site only (no
// 'unsafe-inline'). Classic scripts stay classic and modules modules, in the
// same order, so they run as before.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const path = process.argv[2];
let html = readFileSync(path, 'utf8');

function replaceOnce(pattern, replacement, what) {
  const matches = html.match(new RegExp(pattern.source, pattern.flags.replace('g', '') + 'g')) ?? [];
  if (matches.length !== 1) {
    console.error(`defer-app-start: expected one ${what} in ${path}, found ${matches.length}`);
    process.exit(1);
  }
  html = html.replace(pattern, replacement);
}

replaceOnce(/<link rel="modulepreload"[^>]*>/, '', 'module preload');
replaceOnce(/<link rel="preload"[^>]*type="application\/wasm"[^>]*>/, '', 'wasm preload');
replaceOnce(
  /import init, \* as bindings from '([^']+)';\s*const wasm = await init\(\{ module_or_path: '([^']+)' \}\);/,
  (_, js, wasm) =>
    `await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));\n` +
    `const bindings = await import('${js}');\n` +
    `const wasm = await bindings.default({ module_or_path: '${wasm}' });`,
  'app loader',
);
let moved = 0;
html = html.replace(/<script(\s+type="module")?>([\s\S]*?)<\/script>/g, (_, module, body) => {
  const name = `inline-${createHash('sha256').update(body).digest('hex').slice(0, 16)}.js`;
  writeFileSync(join(dirname(path), name), body);
  moved += 1;
  return `<script${module ?? ''} src="/${name}"></script>`;
});
if (/<script(\s+type="module")?>/.test(html)) {
  console.error(`defer-app-start: an inline script is left in ${path}`);
  process.exit(1);
}
writeFileSync(path, html);
console.log(`app start deferred to after the first paint; ${moved} inline scripts moved to files`);
