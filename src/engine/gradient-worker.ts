// A data-parallel gradient worker: one wasm instance (and, if built, native kernels limited to
// its share of the cores) that computes the loss gradients of its shard of each batch. Batch
// norm statistics are all-reduced across workers inside the kernels (all-reduce.ts), so the
// workers together compute the whole batch's gradient. Started by workers.ts.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from './backend.js';
import { setAllReduce } from './all-reduce.js';
import { makeAllReduce } from './barrier.js';
import { registerEngineKernels } from './kernels/index.js';
import { shardLoss } from './loss.js';
import { withStepRandom } from './step-random.js';
import { nativeAddon } from './native.js';
import type { WorkerInit, WorkerReply, WorkerStep } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

async function start(): Promise<void> {
  await initEngine('wasm');
  registerEngineKernels(init.kernelSet);
  if (init.kernelSet === 'native') nativeAddon()!.setThreads(init.threads);
  setAllReduce(makeAllReduce(init.sync, init.index));
  const model = await tfl.models.modelFromJSON(JSON.parse(init.modelJson) as tf.io.ModelJSON['modelTopology'] as never);
  const weights = model.weights;
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const nonTrainable = model.nonTrainableWeights;
  const shared = new Float32Array(init.weights);
  const inputs = new Float32Array(init.inputs);
  const labels = new Float32Array(init.labels);
  const targets = new Float32Array(init.targets);
  const faceWeights = new Float32Array(init.faceWeights);
  const grads = new Float32Array(init.grads);
  const nonTrainableOut = new Float32Array(init.nonTrainable);
  const [, height, width, channels] = model.inputs[0].shape as number[];
  const pixels = height * width * channels;
  const classes = (model.outputs[0].shape as number[])[1];

  port.on('message', (step: WorkerStep) => {
    try {
      // Weights as the main thread holds them now.
      let offset = 0;
      tf.tidy(() => {
        for (const w of weights) {
          const size = tf.util.sizeFromShape(w.shape as number[]);
          w.write(tf.tensor(shared.slice(offset, offset + size), w.shape as number[]));
          offset += size;
        }
      });
      const rows = step.end - step.start;
      const rowsOf = (values: Float32Array, stride: number) => values.slice(step.start * stride, step.end * stride);
      let loss = 0;
      let correct = 0;
      tf.tidy(() => {
        const shard = {
          x: tf.tensor4d(rowsOf(inputs, pixels), [rows, height, width, channels]),
          labels: tf.tensor2d(rowsOf(labels, classes), [rows, classes]),
          targets: tf.tensor2d(rowsOf(targets, classes), [rows, classes]),
          faceWeights: tf.tensor1d(rowsOf(faceWeights, 1)),
          share: rows / step.batch,
        };
        const forward = () => {
          const result = shardLoss(model, shard);
          loss = result.hardLoss.dataSync()[0]!;
          correct = result.correct.dataSync()[0]!;
          tf.dispose([result.hardLoss, result.correct]);
          return result.objective;
        };
        const { value, grads: named } = tf.variableGrads(() => (step.seed === null ? forward() : withStepRandom(step.seed, step.start, forward)), trainable);
        value.dispose();
        let at = 0;
        for (const v of trainable) {
          const g = named[v.name].dataSync();
          grads.set(g, at);
          at += g.length;
        }
      });
      if (init.index === 0) {
        let at = 0;
        for (const w of nonTrainable) {
          const values = w.read().dataSync();
          nonTrainableOut.set(values, at);
          at += values.length;
        }
      }
      reply({ kind: 'step', loss, correct });
    } catch (error) {
      reply({ kind: 'error', message: (error as Error).stack ?? String(error) });
    }
  });
  reply({ kind: 'ready' });
}

start().catch((error: unknown) => reply({ kind: 'error', message: (error as Error).stack ?? String(error) }));
