// A TF.js graph model from its model.json and weight bytes, however they were read (files in Node,
// fetch in the browser), with an optional change to the graph's JSON before it is loaded.
import * as tf from '@tensorflow/tfjs-core';
import * as tfconv from '@tensorflow/tfjs-converter';

/** Changes a graph's topology (model.json's `modelTopology`) in place before it is loaded. */
export type TopologyPatch = (topology: tf.io.ModelJSON['modelTopology']) => void;

/**
 * Loads a graph model from its parsed model.json and the contents of the weight files its manifest
 * names, in manifest order.
 */
export function graphModelFromArtifacts(json: tf.io.ModelJSON, buffers: ArrayBuffer[], patchTopology?: TopologyPatch): Promise<tfconv.GraphModel> {
  patchTopology?.(json.modelTopology);
  const specs = (json.weightsManifest ?? []).flatMap((group) => group.weights);
  return tfconv.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: tf.io.concatenateArrayBuffers(buffers),
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
}
