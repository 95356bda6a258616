// A model's weights stored as 16-bit floats: half the bytes on disk and over the network (the web
// page downloads them), the same network once loaded. TF.js reads them as they are: each float32
// weight's manifest entry says `quantization: {dtype: 'float16'}`, and every loader (Node, the
// browser) turns them back into float32 while loading. Values round to the nearest float16 (11
// significant bits); weights that are not float32 (none in our networks) are kept as they are.
import { Float16Array } from '@petamoriken/float16';
import * as tf from '@tensorflow/tfjs-core';
import { EmoscopeError } from '../errors.js';
import { printable } from '../util/printable.js';
import { manifestBytes } from './weights-manifest.js';

/** How a model folder stores its float32 weights. */
export type WeightPrecision = 'float32' | 'float16';

/** The largest magnitude a float16 holds; a weight beyond it would become infinity. */
const FLOAT16_MAX = 65504;

/**
 * The weights of `specs` (laid out one after another in `data`, as TF.js saves them) with every
 * float32 weight stored as float16. Throws BAD_MODEL naming the weight for a value float16 cannot hold.
 */
export function toFloat16Weights(
  specs: readonly tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const parts: ArrayBuffer[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization !== undefined) throw new EmoscopeError('BAD_MODEL', `weight ${printable(spec.name)} is already stored as ${printable(spec.quantization.dtype)}, expected float32 weights to store as float16`);
    const bytes = manifestBytes([spec], 'the model');
    if (bytes === undefined) throw new EmoscopeError('BAD_MODEL', `weight ${printable(spec.name)} is ${printable(spec.dtype)}, expected weights of a fixed size`);
    if (spec.dtype !== 'float32') {
      parts.push(data.slice(offset, offset + bytes));
      out.push({ ...spec });
    } else {
      const values = new Float32Array(data.slice(offset, offset + bytes));
      const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      if (!(largest <= FLOAT16_MAX)) throw new EmoscopeError('BAD_MODEL', `weight ${printable(spec.name)} holds ${largest}, beyond float16's ±${FLOAT16_MAX}: keep this model's weights in float32`);
      parts.push(new Float16Array(values).buffer);
      out.push({ ...spec, quantization: { dtype: 'float16' } });
    }
    offset += bytes;
  }
  if (offset !== data.byteLength) throw new EmoscopeError('BAD_MODEL', `the weights take ${offset} bytes by their shapes but the model holds ${data.byteLength}`);
  return { specs: out, data: tf.io.concatenateArrayBuffers(parts) };
}
