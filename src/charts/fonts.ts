// Makes chart text render on any machine. sharp rasterizes SVG with librsvg, which finds fonts through
// fontconfig; a fresh machine (a slim container, CI) may have no fonts at all, and then every label
// becomes a row of boxes. We ship DejaVu Sans in assets/fonts/ and point fontconfig at a config there
// that adds it to the system's fonts.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The font family every chart asks for: bundled, so PNGs look the same everywhere; browsers fall back to sans-serif. */
export const CHART_FONT = 'DejaVu Sans, sans-serif';

let done = false;

/**
 * Points fontconfig at `assets/fonts/fonts.conf` unless the user set `FONTCONFIG_FILE` themselves.
 * Must run before the process first draws text with sharp: fontconfig reads its configuration once.
 * Returns the configuration file in use, or undefined when the bundled folder cannot be found.
 */
export function ensureChartFonts(): string | undefined {
  if (done) return process.env.FONTCONFIG_FILE;
  done = true;
  if (process.env.FONTCONFIG_FILE) return process.env.FONTCONFIG_FILE;
  const conf = findBundledFontConfig();
  if (conf) process.env.FONTCONFIG_FILE = conf; // setenv: the native fontconfig reads it on first use
  return conf;
}

/** Walks up from this module (src/report or dist/src/report) to the package's assets/fonts/fonts.conf. */
function findBundledFontConfig(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'assets', 'fonts', 'fonts.conf');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}
