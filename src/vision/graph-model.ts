// Loads a TF.js graph model (model.json + weight files) from disk, so that detectors ship as files
// in the repository and nothing is fetched at run time. The browser fetches the same files
// (src/browser/load.ts); both hand them to graph-artifacts.ts.
import type * as tfconv from '@tensorflow/tfjs-converter';
import type * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { graphModelFromArtifacts } from './graph-artifacts.js';
import type { TopologyPatch } from './graph-artifacts.js';

/**
 * Reads `jsonPath` and the weight files its manifest names (relative to it) into a GraphModel;
 * `patchTopology`, if given, may change the graph's JSON before it is loaded.
 */
export async function loadGraphModelFile(jsonPath: string, patchTopology?: TopologyPatch): Promise<tfconv.GraphModel> {
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (error) {
    throw new EmoscopeError('BAD_MODEL', `Cannot load the graph model ${jsonPath}: ${(error as Error).message}`, { cause: error });
  }
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    for (const path of group.paths) {
      const data = await readFile(join(dirname(jsonPath), path)).catch((error: Error) => {
        throw new EmoscopeError('BAD_MODEL', `Cannot read the weights ${path} of ${jsonPath}: ${error.message}`);
      });
      buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
    }
  }
  return graphModelFromArtifacts(json, buffers, patchTopology);
}
