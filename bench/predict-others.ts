// The reference libraries the predict benchmarks compare with, as "systems" (photo bytes in, face
// boxes out): @vladmandic/human (BlazeFace + emotion) and @vladmandic/face-api (tiny_face_detector
// or ssd_mobilenetv1, + expression model). Both are dev dependencies; their CommonJS node-wasm
// bundles share this process's tfjs-core and wasm backend, and load models from package files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import type { Box } from '../src/types.js';

const require = createRequire(import.meta.url);

/** A system under test: photo bytes in, face boxes out (in pixels of the photo). */
export interface System {
  name: string;
  run(jpeg: Buffer): Promise<Box[]>;
}

/** Decodes like every system must here: sharp → upright RGB → an int32 tensor (tfjs-node is not in use). */
export async function decodeToTensor(jpeg: Buffer): Promise<tf.Tensor3D> {
  const { data, info } = await sharp(jpeg).autoOrient().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return tf.tensor3d(new Int32Array(data), [info.height, info.width, 3], 'int32');
}

// The two reference libraries' node-wasm bundles are CommonJS and are not in their `exports` map;
// they share this process's tfjs-core and wasm backend. Only the fields used here are typed.
interface HumanLib {
  Human: new (config: Record<string, unknown>) => {
    load(): Promise<void>;
    detect(input: tf.Tensor): Promise<{ face: Array<{ box: [number, number, number, number] }> }>;
  };
}
interface FaceApiBox {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface FaceApiLib {
  nets: Record<'tinyFaceDetector' | 'ssdMobilenetv1' | 'faceExpressionNet', { loadFromDisk(dir: string): Promise<void> }>;
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults: number }) => unknown;
  detectAllFaces(input: tf.Tensor3D, options: unknown): PromiseLike<Array<{ box: FaceApiBox }>> & {
    withFaceExpressions(): Promise<Array<{ detection: { box: FaceApiBox } }>>;
  };
}

/** Human with only BlazeFace (and its emotion model unless `emotion` is false), up to 20 faces, its default score 0.2. */
export async function humanSystem(repo: string, emotion = true): Promise<System> {
  const root = join(repo, 'node_modules', '@vladmandic', 'human');
  // Human fetches its models by URL; Node's fetch has no file://, so serve package files to it.
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const u = typeof url === 'string' ? url : url instanceof URL ? url.href : url.url;
    if (!u.startsWith('file://')) return realFetch(url, init);
    return new Response(readFileSync(new URL(u)), { headers: { 'content-type': u.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
  }) as typeof fetch;
  const { Human } = require(join(root, 'dist', 'human.node-wasm.js')) as HumanLib;
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${join(repo, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist')}/`,
    modelBasePath: `file://${join(root, 'models')}/`,
    debug: false,
    cacheSensitivity: 0, // independent photos, not video frames: no reuse of the previous input's results
    face: {
      enabled: true,
      detector: { maxDetected: 20, rotation: false }, // default maxDetected is 1
      mesh: { enabled: false }, iris: { enabled: false }, description: { enabled: false },
      emotion: { enabled: emotion }, antispoof: { enabled: false }, liveness: { enabled: false },
    },
    body: { enabled: false }, hand: { enabled: false }, object: { enabled: false },
    gesture: { enabled: false }, segmentation: { enabled: false }, filter: { enabled: false },
  });
  await human.load();
  return {
    name: emotion ? 'human' : 'human-blazeface',
    async run(jpeg) {
      const input = await decodeToTensor(jpeg);
      try {
        const result = await human.detect(input);
        return result.face.map(({ box: [x, y, width, height] }) => ({ x, y, width, height }));
      } finally {
        input.dispose();
      }
    },
  };
}

/** face-api with a detector at its default settings, plus its expression model unless `expressions` is false. */
export async function faceApiSystem(repo: string, detector: 'tiny' | 'ssd', expressions = true): Promise<System> {
  const root = join(repo, 'node_modules', '@vladmandic', 'face-api');
  const faceapi = require(join(root, 'dist', 'face-api.node-wasm.js')) as FaceApiLib;
  await faceapi.nets[detector === 'tiny' ? 'tinyFaceDetector' : 'ssdMobilenetv1'].loadFromDisk(join(root, 'model'));
  await faceapi.nets.faceExpressionNet.loadFromDisk(join(root, 'model'));
  const options = detector === 'tiny'
    ? new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }) // its defaults
    : new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
  return {
    name: `face-api${detector === 'tiny' ? '' : '-ssd'}${expressions ? '' : '-detector'}`,
    async run(jpeg) {
      const input = await decodeToTensor(jpeg);
      try {
        const task = faceapi.detectAllFaces(input, options);
        const boxes = expressions ? (await task.withFaceExpressions()).map((f) => f.detection.box) : (await task).map((d) => d.box);
        return boxes.map((b) => ({ x: b.x, y: b.y, width: b.width, height: b.height }));
      } finally {
        input.dispose();
      }
    },
  };
}

