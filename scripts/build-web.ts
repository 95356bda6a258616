// `npm run build:web`: the browser module and the page as a static folder (dist/web/) that any static
// host can serve: index.html, style.css, app.js (the page), emoscope.js (the browser module, also the
// package's `emoscope/browser`), the TF.js .wasm files, the models, and _headers (the cross-origin
// isolation headers the host should send, for the wasm backend's threads), and gzipped copies (`.gz`)
// of the files that shrink. Bundled with esbuild; the bundle's inputs are checked so that nothing
// Node-only (fs, sharp, the native engine) gets in.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../src/browser/isolation.js';
import { replaceFolderAtomic } from '../src/util/atomic.js';
import { EmoscopeError } from '../src/errors.js';
import { modelFileNames } from '../src/model/folder.js';
import { resolveModelDir } from '../src/runs/locate.js';

/** The repository's root, from dist/scripts/ (compiled). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where `npm run build:web` writes. */
export const WEB_DIR = join(ROOT, 'dist', 'web');
/** The browser module's file name in the folder (and the page's import of it). */
export const BROWSER_BUNDLE = 'emoscope.js';

/** Files copied as they are: destination in the folder → source in the repository. */
const STATIC_FILES: Record<string, string> = {
  'index.html': 'src/web/index.html',
  'style.css': 'src/web/style.css',
};
const DETECTOR_DIR = 'models/detector/blazeface';
const WASM_DIR = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';

export interface BuildWebResult {
  dir: string;
  /** the bundles' esbuild metafiles, for what went into them */
  metafiles: esbuild.Metafile[];
}

/**
 * Builds the static folder into `dir` (default dist/web/), replacing it whole. Throws when a bundle
 * pulls in a Node-only module.
 */
export async function buildWeb(dir = WEB_DIR, options: { minify?: boolean; model?: string } = {}): Promise<BuildWebResult> {
  const metafiles: esbuild.Metafile[] = [];
  const modelDir = await resolveModelDir(options.model); // the page's classifier: the shipped model unless named
  await replaceFolderAtomic(dir, async (tmp) => {
    const common: esbuild.BuildOptions = {
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: options.minify ?? true,
      sourcemap: true,
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'silent',
    };
    const library = await esbuild.build({ ...common, entryPoints: ['src/browser/index.ts'], outfile: join(tmp, BROWSER_BUNDLE) });
    const page = await esbuild.build({
      ...common,
      entryPoints: ['src/web/app.ts'],
      outfile: join(tmp, 'app.js'),
      // The page uses the module as any page would: `import … from './emoscope.js'`, not a second copy.
      plugins: [{
        name: 'browser-module-external',
        setup(build) {
          build.onResolve({ filter: /\/browser\/index\.js$/ }, () => ({ path: `./${BROWSER_BUNDLE}`, external: true }));
        },
      }],
    });
    for (const result of [library, page]) {
      await checkBrowserInputs(result.metafile!);
      metafiles.push(result.metafile!);
    }
    for (const [to, from] of Object.entries(STATIC_FILES)) await copyInto(join(ROOT, from), join(tmp, to));
    for (const name of await modelFileNames(modelDir)) await copyInto(join(modelDir, name), join(tmp, 'models', 'default', name));
    await writeFile(join(tmp, '_headers'), headersFile());
    for (const name of await readdir(join(ROOT, DETECTOR_DIR))) await copyInto(join(ROOT, DETECTOR_DIR, name), join(tmp, DETECTOR_DIR, name));
    for (const name of (await readdir(join(ROOT, WASM_DIR))).filter((n) => n.endsWith('.wasm'))) {
      await copyInto(join(ROOT, WASM_DIR, name), join(tmp, 'wasm', name));
    }
    await precompress(tmp);
  });
  return { dir, metafiles };
}

/** Extensions of the files worth sending gzipped (the page's model is served by `serve` from its own folder, not from here). */
const COMPRESSIBLE = /\.(js|wasm|json|css|html|bin)$/;

/**
 * Writes `<file>.gz` (level 9) beside each file of the folder that gzip makes at least 10 % smaller,
 * except the page's model: `emoscope serve` sends them to browsers that accept gzip (and static hosts
 * that take precompressed files), so that no request spends the server's CPU on compressing.
 */
async function precompress(dir: string): Promise<void> {
  for (const name of await readdir(dir, { recursive: true })) {
    if (!COMPRESSIBLE.test(name) || name.startsWith(join('models', 'default'))) continue;
    const file = join(dir, name);
    const data = await readFile(file);
    const packed = gzipSync(data, { level: 9 });
    if (packed.length <= 0.9 * data.length) await writeFile(`${file}.gz`, packed);
  }
}

/**
 * The folder's `_headers` (the format of Netlify and Cloudflare Pages; other hosts take the same two
 * headers in their own settings): every file cross-origin isolated, so that the wasm backend may use threads.
 */
export function headersFile(): string {
  const lines = Object.entries(CROSS_ORIGIN_ISOLATION_HEADERS).map(([name, value]) => `  ${name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())}: ${value}`);
  return `/*\n${lines.join('\n')}\n`;
}

/** A module of the repository that only runs in Node. */
const NODE_ONLY = /from\s+['"](node:[^'"]+|fs|path|url|os|child_process|worker_threads|sharp)['"]/;

/**
 * Refuses a bundle with a Node-only input: sharp, a `node:` module, or a source file of ours that
 * imports one (a sign that the browser reached Node's side of the pipeline).
 */
export async function checkBrowserInputs(metafile: esbuild.Metafile): Promise<void> {
  const bad: string[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    if (/^node:|node_modules\/sharp\/|node_modules\/@img\//.test(input)) bad.push(input);
    else if (input.startsWith('src/') && NODE_ONLY.test(await readFile(join(ROOT, input), 'utf8'))) bad.push(input);
  }
  if (bad.length > 0) throw new Error(`The browser bundle must not contain Node-only modules, but it has: ${bad.join(', ')}`);
}

async function copyInto(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, to);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { model: { type: 'string' } } }); // npm run build:web -- --model runs/tuned
  const { dir, metafiles } = await buildWeb(WEB_DIR, { model: values.model }).catch((error: unknown) => {
    if (!(error instanceof EmoscopeError)) throw error;
    console.error(`emoscope: ${error.message}`); // a missing or broken --model: said in words, dist/web left as it was
    process.exit(1);
  });
  const bytes = metafiles.map((m) => Object.values(m.outputs).reduce((s, o) => s + (o.bytes ?? 0), 0));
  console.error(`emoscope: built ${dir} (emoscope.js + app.js, ${(bytes.reduce((a, b) => a + b, 0) / 1e6).toFixed(2)} MB with source maps)`);
}
