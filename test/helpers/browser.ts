// What the browser tests and the browser benchmark share: a static server for a built dist/web on
// 127.0.0.1 (fastify + @fastify/static, as `emoscope serve` uses), Debian's Chromium driven by
// playwright-core with a fake camera, and the camera's video made by ffmpeg from a photo.
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../../src/browser/isolation.js';

const run = promisify(execFile);

/** Debian's Chromium (apt-get install chromium). */
export const CHROMIUM = process.env.EMOSCOPE_CHROMIUM ?? '/usr/bin/chromium';

/** A running static server. */
export interface StaticServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `root` at `/` and each of `mounts` (URL prefix → folder) on 127.0.0.1, a free port, with the
 * cross-origin isolation headers (as `emoscope serve` sends them) unless `isolated` is false.
 */
export async function serveStatic(root: string, mounts: Record<string, string> = {}, isolated = true): Promise<StaticServer> {
  const app = Fastify({ logger: false });
  if (isolated) app.addHook('onSend', async (_request, reply) => { void reply.headers(CROSS_ORIGIN_ISOLATION_HEADERS); });
  await app.register(fastifyStatic, { root, prefix: '/' });
  for (const [prefix, dir] of Object.entries(mounts)) {
    await app.register(fastifyStatic, { root: dir, prefix, decorateReply: false });
  }
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { origin: address, close: () => app.close() };
}

export interface ChromiumOptions {
  /** a .y4m file the fake camera plays; without it, no camera at all */
  fakeVideo?: string;
  /** more command-line flags */
  args?: string[];
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
}

/** A headless Chromium with a fresh profile; close() also removes the profile. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'emoscope-chromium-'));
  const camera = options.fakeVideo
    ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${options.fakeVideo}`]
    : ['--use-fake-ui-for-media-stream'];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: options.viewport ?? { width: 1100, height: 900 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...camera, ...(options.args ?? []),
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A `width`×`height` .y4m video of `photo` (fitted, black bars), `frames` frames at `fps`, for the
 * fake camera; also the first frame decoded back to PNG (the pixels the camera delivers, to compare with).
 */
export async function photoVideo(photo: string, dir: string, options: { width?: number; height?: number; frames?: number; fps?: number } = {}): Promise<{ video: string; frame: string }> {
  const { width = 640, height = 480, frames = 10, fps = 30 } = options;
  const video = join(dir, 'camera.y4m');
  const frame = join(dir, 'camera.png');
  const fit = `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`;
  await run('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', photo, '-vf', fit, '-r', String(fps), '-frames:v', String(frames), '-pix_fmt', 'yuv420p', video]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', video, '-frames:v', '1', frame]);
  return { video, frame };
}
