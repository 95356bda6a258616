#!/usr/bin/env node
// Builds emoscope's optional native addon (src/engine/native/: oneDNN convolutions) when the package
// is installed: `npm ci` in the repository, or `npm install emoscope` in a project (npm ≥ 11 runs a
// dependency's install script only when allowed: `npm install emoscope --allow-scripts=emoscope`,
// or `npm install-scripts approve emoscope && npm rebuild emoscope`). Training is several times
// faster with the addon; without it (no compiler, no oneDNN headers, another OS) emoscope runs its
// pure-wasm kernels, so a failed build is a warning, never an install error, unless `--required`
// is given (`npm run build:native`). EMOSCOPE_NATIVE=0 skips the build.
// Everything goes to stderr: stdout stays clean for `npm … --json`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const required = process.argv.includes('--required');
const root = fileURLToPath(new URL('..', import.meta.url));
const say = (message) => process.stderr.write(`emoscope: ${message}\n`);

/** Ends the script: exit 0 unless the build was required. */
function giveUp(message) {
  say(`${message}; emoscope uses its pure-wasm engine (\`emoscope --version\` says which engine is in use)`);
  process.exit(required ? 1 : 0);
}

if (process.env.EMOSCOPE_NATIVE === '0') giveUp('native addon skipped (EMOSCOPE_NATIVE=0)');
if (process.platform !== 'linux' || !existsSync('/usr/include/dnnl.hpp')) {
  giveUp('native addon not built: it needs Linux and oneDNN (apt-get install libdnnl-dev)');
}

/** node-gyp: the one npm gives its scripts, else the one bundled with npm next to this node, else PATH. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return [process.execPath, bundled];
  return ['node-gyp'];
}

// Node's own headers when this node has them (Debian's /usr, nvm, official tarballs): no download.
const prefix = join(dirname(process.execPath), '..');
const nodedir = existsSync(join(prefix, 'include', 'node', 'node.h')) ? [`--nodedir=${prefix}`] : [];
const [command, ...args] = nodeGyp();
const result = spawnSync(command, [...args, 'rebuild', `--directory=${join(root, 'src', 'engine', 'native')}`, ...nodedir], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (result.status === 0) {
  say('native addon built (oneDNN kernels)');
} else {
  const tail = (result.error?.message ?? result.stderr ?? '').trim().split('\n').slice(-5).join('\n');
  giveUp(`native addon build failed:\n${tail}\n`);
}
