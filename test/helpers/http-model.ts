// A model folder loaded the way a browser loads it: TF.js's HTTP loader, with a fetch that serves the
// folder's files, so that weight paths are resolved against model.json's URL as in a page.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export async function loadOverHttp(dir: string): Promise<tfl.LayersModel> {
  const fetchFunc = async (input: URL | RequestInfo) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return new Response(await readFile(join(dir, new URL(url).pathname.replace(/^\/model\//, ''))), { status: 200 });
  };
  return tfl.loadLayersModel(tf.io.http('http://localhost/model/model.json', { fetchFunc }));
}
