// Loads a TF.js graph model (model.json + weight files) from disk, so that detectors ship as files
// in the repository and nothing is fetched at run time. The browser fetches the same files
// (src/browser/load.ts); both hand them to graph-artifacts.ts.
import type * as tfconv from '@tensorflow/tfjs-converter';
import type * as tf from '@tensorflow/tfjs-core';
import { basename, dirname } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { readManifestWeights } from '../model/weights-manifest.js';
import { readFolderJson } from '../util/folder-files.js';
import { graphModelFromArtifacts } from './graph-artifacts.js';
import type { TopologyPatch } from './graph-artifacts.js';

/**
 * Reads `jsonPath` and the weight files its manifest names (relative to it) into a GraphModel;
 * `patchTopology`, if given, may change the graph's JSON before it is loaded.
 */
export async function loadGraphModelFile(jsonPath: string, patchTopology?: TopologyPatch): Promise<tfconv.GraphModel> {
  const dir = dirname(jsonPath);
  const json = (await readFolderJson(dir, basename(jsonPath), { code: 'BAD_MODEL' })) as tf.io.ModelJSON;
  if (typeof json !== 'object' || json === null) throw new EmoscopeError('BAD_MODEL', `Cannot load the graph model ${jsonPath}: expected a JSON object`);
  // paths inside the folder, sizes as the shapes say; one buffer in manifest order
  const { data } = await readManifestWeights(dir, json.weightsManifest ?? [], jsonPath);
  return graphModelFromArtifacts(json, [data], patchTopology);
}
