// The TF.js backend in a browser: WebGL on a real GPU, else WebAssembly (XNNPACK, SIMD), else WebGL
// in software, else plain JavaScript (slow, but a photo still gets its answer); or the one asked for. The .wasm files are fetched from `wasmUrl` (by default the
// wasm/ folder beside the bundle, same origin): no CDN, nothing from another origin.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { EmoscopeError } from '../errors.js';

/** The backends the browser build registers. */
export const BROWSER_BACKENDS = ['wasm', 'webgl', 'cpu'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

/**
 * The threads the wasm backend runs the models on; 0 when another backend is in force. More than 1
 * only on a cross-origin isolated page (browser/isolation.ts): TF.js then takes half the cores
 * (measured: 1 on 2 cores, 2 when the browser reports 4; its setThreadsCount does not raise that).
 */
export function wasmThreads(): number {
  return tf.getBackend() === 'wasm' ? getThreadsCount() : 0;
}

/** What this browser can run, found without side effects. */
export interface BackendSupport {
  wasm: boolean;
  /** WebGL available at all */
  webgl: boolean;
  /** WebGL on a software renderer (SwiftShader, llvmpipe): slower than wasm */
  softwareWebgl: boolean;
}

/** Whether WebAssembly and WebGL exist here, and whether WebGL is drawn in software. */
export function backendSupport(): BackendSupport {
  const wasm = typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
  let webgl = false;
  let softwareWebgl = false;
  try {
    const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (gl) {
      webgl = true;
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      softwareWebgl = /swiftshader|llvmpipe|software|softpipe/i.test(renderer);
      gl.getExtension('WEBGL_lose_context')?.loseContext(); // a probe, not a context to keep
    }
  } catch {
    webgl = false;
  }
  return { wasm, webgl, softwareWebgl };
}

/** The order the automatic choice tries the backends in, for what this browser supports. */
export function backendOrder(support: BackendSupport): BrowserBackend[] {
  const order: BrowserBackend[] = [];
  if (support.webgl && !support.softwareWebgl) order.push('webgl');
  if (support.wasm) order.push('wasm');
  if (support.webgl && support.softwareWebgl) order.push('webgl');
  order.push('cpu');
  return order;
}

/**
 * Selects `requested` (or the best available for 'auto') and waits until it is ready; returns the
 * backend in force. Throws UNAVAILABLE when no backend can run here.
 */
export async function setUpBackend(requested: BrowserBackend | 'auto', wasmUrl: string): Promise<BrowserBackend> {
  setWasmPaths(wasmUrl.endsWith('/') ? wasmUrl : `${wasmUrl}/`);
  const support = backendSupport();
  const candidates = requested === 'auto' ? backendOrder(support) : [requested];
  const failures: string[] = [];
  for (const name of candidates) {
    if (tf.getBackend() === name) return name;
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: could not be initialised`);
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    }
  }
  const have = `WebAssembly ${support.wasm ? 'available' : 'missing'}, WebGL ${support.webgl ? 'available' : 'missing'}`;
  throw new EmoscopeError('UNAVAILABLE', `No TensorFlow.js backend can run in this browser (asked for ${requested}; ${have}${failures.length ? `; ${failures.join('; ')}` : ''})`);
}
