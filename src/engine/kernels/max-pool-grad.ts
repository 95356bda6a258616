// MaxPoolGrad for the wasm backend in JS over the heap. The stock wasm kernel disagrees with
// the cpu backend (and TensorFlow) on which element of a window receives the gradient, and is
// slower: here each dy goes to the first maximum of its window, like the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap };

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input } = args.inputs as Record<string, tf.TensorInfo>;
  const attrs = args.attrs as unknown as PoolAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;

  const dx = backend.makeOutput(input.shape, 'float32');
  const xs = backend.typedArrayFromHeap(input) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  dxs.fill(0);
  const best = new Float32Array(c);
  const bestAt = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    const base = b * h * w * c;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let i = 0; i < kh; i++) {
          const row = y * sh + i - pt;
          if (row < 0 || row >= h) continue;
          for (let j = 0; j < kw; j++) {
            const col = x * sw + j - pl;
            if (col < 0 || col >= w) continue;
            const o = base + (row * w + col) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = xs[o + ch];
              if (v > best[ch] || bestAt[ch] < 0) {
                best[ch] = v;
                bestAt[ch] = o + ch;
              }
            }
          }
        }
        const d = ((b * oh + y) * ow + x) * c;
        for (let ch = 0; ch < c; ch++) if (bestAt[ch] >= 0) dxs[bestAt[ch]] += dys[d + ch];
      }
    }
  }
  return dx;
}

/** Max-pool gradient routed to the first maximum of each window, as on the cpu backend. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
