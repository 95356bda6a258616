// Loads a TF.js graph model (model.json + weight files) from disk, so that detectors ship as files
// in the repository and nothing is fetched at run time.
import * as tf from '@tensorflow/tfjs-core';
import * as tfconv from '@tensorflow/tfjs-converter';
import { basename, dirname } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { readManifestWeights } from '../model/weights-manifest.js';
import { readFolderJson } from '../util/folder-files.js';

/**
 * Reads `jsonPath` and the weight files its manifest names (relative to it) into a GraphModel;
 * `patchTopology`, if given, may change the graph's JSON before it is loaded.
 */
export async function loadGraphModelFile(jsonPath: string, patchTopology?: (topology: tf.io.ModelJSON['modelTopology']) => void): Promise<tfconv.GraphModel> {
  const dir = dirname(jsonPath);
  const json = (await readFolderJson(dir, basename(jsonPath), { code: 'BAD_MODEL' })) as tf.io.ModelJSON;
  if (typeof json !== 'object' || json === null) throw new EmoscopeError('BAD_MODEL', `Cannot load the graph model ${jsonPath}: expected a JSON object`);
  patchTopology?.(json.modelTopology);
  const { specs, data } = await readManifestWeights(dir, json.weightsManifest ?? [], jsonPath); // paths inside the folder, sizes as the shapes say
  return tfconv.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: data,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
}
