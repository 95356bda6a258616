// The browser fetches the same files Node reads: a model folder (model.json + weights.bin +
// emoscope.json, as TF.js saves it) and the BlazeFace graph of models/detector/blazeface/, from URLs
// on the page's own origin (or wherever the caller points).
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { EmoscopeError } from '../errors.js';
import { parseModelMeta } from '../model/meta.js';
import type { ModelMeta } from '../model/meta.js';
import type { FaceDetector } from '../vision/detector.js';
import { createBlazeFace, patchBlazeFaceTopology } from '../vision/blazeface-core.js';
import { graphModelFromArtifacts } from '../vision/graph-artifacts.js';
import type { ResizeRgb } from '../vision/pixels.js';

/** A response's body, or BAD_MODEL / NOT_FOUND naming the URL and the HTTP status. */
async function fetchOk(url: string, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new EmoscopeError('NOT_FOUND', `Cannot fetch ${what} at ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new EmoscopeError(response.status === 404 ? 'NOT_FOUND' : 'BAD_MODEL', `Cannot fetch ${what} at ${url}: HTTP ${response.status}`);
  return response;
}

async function fetchJson(url: string, what: string): Promise<unknown> {
  const response = await fetchOk(url, what);
  try {
    return await response.json();
  } catch (error) {
    throw new EmoscopeError('BAD_MODEL', `${url}: not valid JSON (${(error as Error).message})`);
  }
}

/** A model folder at `folderUrl` (ending in /): the layers model and its emoscope.json. */
export async function fetchModelFolder(folderUrl: string): Promise<{ model: tfl.LayersModel; meta: ModelMeta }> {
  const metaUrl = new URL('emoscope.json', folderUrl).href;
  const meta = parseModelMeta(await fetchJson(metaUrl, 'the model\'s emoscope.json'), metaUrl);
  const modelUrl = new URL('model.json', folderUrl).href;
  await fetchOk(modelUrl, 'the model').then((r) => r.body?.cancel()); // a clear error before TF.js's own
  try {
    return { model: await tfl.loadLayersModel(modelUrl), meta };
  } catch (error) {
    throw new EmoscopeError('BAD_MODEL', `Cannot load the model ${modelUrl}: ${(error as Error).message}`, { cause: error });
  }
}

/** BlazeFace from `jsonUrl` and the weight files its manifest names (relative to it). */
export async function fetchBlazeFace(jsonUrl: string, resize: ResizeRgb): Promise<FaceDetector> {
  const json = (await fetchJson(jsonUrl, 'the face detector')) as tf.io.ModelJSON;
  const buffers = await Promise.all(
    (json.weightsManifest ?? []).flatMap((group) => group.paths).map(async (path) => {
      const url = new URL(path, jsonUrl).href;
      return (await fetchOk(url, 'the face detector\'s weights')).arrayBuffer();
    }),
  );
  return createBlazeFace(await graphModelFromArtifacts(json, buffers, patchBlazeFaceTopology), resize);
}
