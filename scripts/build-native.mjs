#!/usr/bin/env node
// Builds emoscope's optional native addon (src/engine/native/: oneDNN convolutions) during
// `npm ci` / `npm install`. Training is several times faster with it; without it (no compiler,
// no oneDNN headers, another OS) emoscope runs its pure-wasm kernels, so a failed build is a
// warning, never an install error. EMOSCOPE_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.EMOSCOPE_NATIVE === '0') {
  console.log('emoscope: native addon skipped (EMOSCOPE_NATIVE=0)');
  process.exit(0);
}
if (process.platform !== 'linux' || !existsSync('/usr/include/dnnl.hpp')) {
  console.warn('emoscope: native addon not built: it needs Linux and oneDNN (apt-get install libdnnl-dev); using the pure-wasm engine');
  process.exit(0);
}
const result = spawnSync('npm', ['run', '--silent', 'build:native'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (result.status === 0) {
  console.log('emoscope: native addon built (oneDNN kernels)');
} else {
  const tail = (result.stderr ?? '').trim().split('\n').slice(-5).join('\n');
  console.warn(`emoscope: native addon build failed; using the pure-wasm engine\n${tail}`);
}
