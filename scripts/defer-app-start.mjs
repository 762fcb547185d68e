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
import { readFileSync, writeFileSync } from 'node:fs';

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
writeFileSync(path, html);
console.log('app start deferred to after the first paint');
