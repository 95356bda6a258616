// The reference libraries the predict benchmarks compare with, as "systems" (photo bytes in, face
// boxes out): @vladmandic/human (BlazeFace + emotion) and @vladmandic/face-api (tiny_face_detector
// or ssd_mobilenetv1, + expression model). Both are dev dependencies; their CommonJS node-wasm
// bundles share this process's tfjs-core and wasm backend, and load models from package files.
// Also their emotion models alone, as classifiers of faces already cut out (bench/ood.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { EMOTIONS } from '../src/types.js';
import type { Box, Emotion } from '../src/types.js';
import { loadGraphModelFile } from '../src/vision/graph-model.js';

const require = createRequire(import.meta.url);

/** A face a system found: its box in pixels of the photo and, when the system gives one, its top emotion. */
export interface FoundFace extends Box {
  emotion?: Emotion;
}

/** A system under test: photo bytes in, faces out. */
export interface System {
  name: string;
  run(jpeg: Buffer): Promise<FoundFace[]>;
}

/** face-api's expression names → FER2013's. */
export const FACE_API_EMOTIONS: Record<string, Emotion> = {
  angry: 'angry', disgusted: 'disgust', fearful: 'fear', happy: 'happy', sad: 'sad', surprised: 'surprise', neutral: 'neutral',
};

/** The label of the highest score of a `{ label: score }` object, mapped by `names`. */
export function topLabel(scores: Record<string, number>, names: Record<string, Emotion>): Emotion | undefined {
  const best = Object.entries(scores).filter(([k]) => k in names).sort((a, b) => b[1] - a[1])[0];
  return best ? names[best[0]] : undefined;
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
    detect(input: tf.Tensor): Promise<{ face: Array<{ box: [number, number, number, number]; emotion?: Array<{ score: number; emotion: string }> }> }>;
  };
}
interface FaceApiBox {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface FaceApiLib {
  nets: Record<'tinyFaceDetector' | 'ssdMobilenetv1', { loadFromDisk(dir: string): Promise<void> }> & {
    faceExpressionNet: { loadFromDisk(dir: string): Promise<void>; predictExpressions(input: tf.Tensor3D): Promise<unknown> };
  };
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults: number }) => unknown;
  detectAllFaces(input: tf.Tensor3D, options: unknown): PromiseLike<Array<{ box: FaceApiBox }>> & {
    withFaceExpressions(): Promise<Array<{ detection: { box: FaceApiBox }; expressions: Record<string, number> }>>;
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
        return result.face.map(({ box: [x, y, width, height], emotion: e }) => ({ x, y, width, height, emotion: e?.[0]?.emotion as Emotion | undefined }));
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
        if (!expressions) return (await task).map(({ box: b }) => ({ x: b.x, y: b.y, width: b.width, height: b.height }));
        return (await task.withFaceExpressions()).map(({ detection: { box: b }, expressions: e }) => ({
          x: b.x, y: b.y, width: b.width, height: b.height, emotion: topLabel(e, FACE_API_EMOTIONS),
        }));
      } finally {
        input.dispose();
      }
    },
  };
}


/** A classifier of faces already cut out: `count` gray `size`×`size` faces in, one emotion each out. */
export interface FaceClassifier {
  name: string;
  classify(pixels: Uint8Array, count: number, size: number): Promise<Emotion[]>;
}

/**
 * Human's emotion model (mini-Xception, 64×64 gray) on faces as Human's own code prepares them
 * (src/gear/emotion.ts): values 0..1 resized bilinearly to 64×64, then ×2 − 1; outputs in FER2013's order.
 */
export async function humanClassifier(repo: string): Promise<FaceClassifier> {
  const model = await loadGraphModelFile(join(repo, 'node_modules', '@vladmandic', 'human', 'models', 'emotion.json'));
  const side = model.inputs[0]?.shape?.[1] ?? 64;
  return {
    name: 'human',
    async classify(pixels, count, size) {
      const out: Emotion[] = [];
      for (let start = 0; start < count; start += 256) {
        const n = Math.min(256, count - start);
        const probs = tf.tidy(() => {
          const x = tf.tensor4d(pixels.subarray(start * size * size, (start + n) * size * size), [n, size, size, 1], 'float32');
          const input = tf.sub(tf.mul(tf.image.resizeBilinear(tf.div(x, 255) as tf.Tensor4D, [side, side]), 2), 1);
          return tf.argMax(model.execute(input) as tf.Tensor2D, 1);
        });
        for (const k of await probs.data()) out.push(EMOTIONS[k]!);
        probs.dispose();
      }
      return out;
    },
  };
}

/** face-api's expression model on each face (gray repeated into RGB; face-api resizes to 112×112 itself). */
export async function faceApiClassifier(repo: string): Promise<FaceClassifier> {
  const root = join(repo, 'node_modules', '@vladmandic', 'face-api');
  const faceapi = require(join(root, 'dist', 'face-api.node-wasm.js')) as FaceApiLib;
  await faceapi.nets.faceExpressionNet.loadFromDisk(join(root, 'model'));
  return {
    name: 'face-api',
    async classify(pixels, count, size) {
      const out: Emotion[] = [];
      for (let i = 0; i < count; i++) {
        const face = tf.tidy(() => {
          const gray = tf.tensor3d(pixels.subarray(i * size * size, (i + 1) * size * size), [size, size, 1], 'int32');
          return tf.concat([gray, gray, gray], 2) as tf.Tensor3D;
        });
        const e = (await faceapi.nets.faceExpressionNet.predictExpressions(face)) as Record<string, number>;
        face.dispose();
        out.push(topLabel(e, FACE_API_EMOTIONS) ?? 'neutral');
      }
      return out;
    },
  };
}
