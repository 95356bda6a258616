// Inference with batch normalization folded away. At prediction time a batch-norm layer is a fixed
// per-channel affine map, so after a convolution or dense layer it can be merged into that layer's
// weights and bias: conv → BN → ReLU becomes one fused convolution (bias and ReLU included). The
// folded network computes what the layers model computes (up to float rounding) with about half
// the kernels: for emo-vgg at batch 1 the nine FusedBatchNorm and ReLU kernels disappear.
// Models with layers it does not know are run as they are.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Something that turns a batch of faces into class probabilities. */
export interface Classifier {
  predict(x: tf.Tensor4D): tf.Tensor2D;
  /** frees the folded weights (not the layers model's) */
  dispose(): void;
  /** true when batch normalization was folded; false when the layers model runs as it is */
  readonly folded: boolean;
  /** number of classes, the width of the output */
  readonly classes: number;
}

type Activation = 'linear' | 'relu' | 'softmax';

type Step =
  | { kind: 'conv'; filter: tf.Tensor4D; bias: tf.Tensor1D | null; strides: [number, number]; pad: 'same' | 'valid'; activation: Activation }
  | { kind: 'dense'; kernel: tf.Tensor2D; bias: tf.Tensor1D | null; activation: Activation }
  | { kind: 'affine'; scale: tf.Tensor1D; shift: tf.Tensor1D; activation: Activation }
  | { kind: 'maxPool'; pool: [number, number]; strides: [number, number]; pad: 'same' | 'valid' }
  | { kind: 'activation'; activation: Activation }
  | { kind: 'flatten' };

interface LayerConfig {
  activation?: string;
  strides?: number | number[];
  padding?: string;
  poolSize?: number | number[];
  dilationRate?: number | number[];
  dataFormat?: string;
  axis?: number | number[];
  epsilon?: number;
}

const pair = (v: number | number[] | undefined, fallback: number): [number, number] =>
  v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0]!, v[1] ?? v[0]!];

function activationOf(name: string | undefined): Activation | null {
  if (name === undefined || name === 'linear') return 'linear';
  return name === 'relu' || name === 'softmax' ? name : null;
}

/** The layer's weight whose name ends with `suffix`, or null. */
function weight(layer: tfl.layers.Layer, suffix: string): tf.Tensor | null {
  const w = layer.weights.find((v) => v.originalName.endsWith(suffix) || v.name.endsWith(suffix));
  return w ? w.read() : null;
}

/** The steps of a sequential stack of known layers, or null (nothing kept) when a layer cannot be folded. */
function compile(model: tfl.LayersModel): Step[] | null {
  const steps: Step[] = [];
  if (collect(model, steps)) return steps;
  disposeSteps(steps);
  return null;
}

/** Appends the steps of `model`'s layers; false at the first layer it cannot handle. */
function collect(model: tfl.LayersModel, steps: Step[]): boolean {
  for (const layer of model.layers) {
    const type = layer.getClassName();
    const c = layer.getConfig() as LayerConfig;
    if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast') return false;
    if (type === 'InputLayer' || type === 'Dropout' || type === 'SpatialDropout2D') continue;
    if (type === 'Conv2D') {
      const activation = activationOf(c.activation);
      if (activation === null || pair(c.dilationRate, 1).some((d) => d !== 1)) return false;
      steps.push({
        kind: 'conv', filter: weight(layer, 'kernel')!.clone() as tf.Tensor4D, bias: (weight(layer, 'bias')?.clone() as tf.Tensor1D | undefined) ?? null,
        strides: pair(c.strides, 1), pad: c.padding === 'same' ? 'same' : 'valid', activation,
      });
    } else if (type === 'Dense') {
      const activation = activationOf(c.activation);
      if (activation === null) return false;
      steps.push({ kind: 'dense', kernel: weight(layer, 'kernel')!.clone() as tf.Tensor2D, bias: (weight(layer, 'bias')?.clone() as tf.Tensor1D | undefined) ?? null, activation });
    } else if (type === 'BatchNormalization') {
      const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis;
      if (axis !== -1 && axis !== 3 && !(axis === 1 && steps.at(-1)?.kind === 'dense')) return false;
      foldBatchNorm(steps, layer, c.epsilon ?? 1e-3);
    } else if (type === 'Activation') {
      const activation = activationOf(c.activation);
      if (activation === null) return false;
      const last = steps.at(-1);
      if (last !== undefined && (last.kind === 'conv' || last.kind === 'dense' || last.kind === 'affine') && last.activation === 'linear') last.activation = activation;
      else steps.push({ kind: 'activation', activation });
    } else if (type === 'MaxPooling2D') {
      const pool = pair(c.poolSize, 2);
      steps.push({ kind: 'maxPool', pool, strides: c.strides === undefined ? pool : pair(c.strides, 2), pad: c.padding === 'same' ? 'same' : 'valid' });
    } else if (type === 'Flatten') {
      steps.push({ kind: 'flatten' });
    } else {
      return false;
    }
  }
  return true;
}

/** Merges a batch-norm layer into the previous linear step (conv or dense), else appends it as an affine step. */
function foldBatchNorm(steps: Step[], layer: tfl.layers.Layer, epsilon: number): void {
  const mean = weight(layer, 'moving_mean')!;
  const variance = weight(layer, 'moving_variance')!;
  const gamma = weight(layer, 'gamma');
  const beta = weight(layer, 'beta');
  const [scale, shift] = tf.tidy(() => {
    const s = tf.div(gamma ?? tf.onesLike(mean), tf.sqrt(tf.add(variance, epsilon))) as tf.Tensor1D;
    const b = tf.sub(beta ?? tf.zerosLike(mean), tf.mul(mean, s)) as tf.Tensor1D; // y = x·s + b
    return [s, b];
  });
  const last = steps.at(-1);
  if (last !== undefined && (last.kind === 'conv' || last.kind === 'dense') && last.activation === 'linear') {
    const oldWeights = last.kind === 'conv' ? last.filter : last.kernel;
    const oldBias = last.bias;
    const scaled = tf.mul(oldWeights, scale); // scales the output channels (last axis)
    const bias = oldBias === null ? shift.clone() : (tf.tidy(() => tf.add(tf.mul(oldBias, scale), shift)) as tf.Tensor1D);
    if (last.kind === 'conv') last.filter = scaled as tf.Tensor4D;
    else last.kernel = scaled as tf.Tensor2D;
    last.bias = bias;
    tf.dispose([oldWeights, oldBias ?? [], scale, shift]);
  } else {
    steps.push({ kind: 'affine', scale, shift, activation: 'linear' });
  }
}

function disposeSteps(steps: Step[]): void {
  for (const s of steps) {
    if (s.kind === 'conv') tf.dispose([s.filter, s.bias ?? []]);
    else if (s.kind === 'dense') tf.dispose([s.kernel, s.bias ?? []]);
    else if (s.kind === 'affine') tf.dispose([s.scale, s.shift]);
  }
}

function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  return activation === 'relu' ? tf.relu(x) : activation === 'softmax' ? tf.softmax(x) : x;
}

/** The fused kernels take linear and relu; softmax comes after. */
const fusable = (a: Activation): 'linear' | 'relu' => (a === 'softmax' ? 'linear' : a);

function run(steps: Step[], input: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    let x: tf.Tensor = input;
    for (const s of steps) {
      if (s.kind === 'conv') {
        x = tf.fused.conv2d({ x: x as tf.Tensor4D, filter: s.filter, strides: s.strides, pad: s.pad, bias: s.bias ?? undefined, activation: fusable(s.activation) });
        if (s.activation === 'softmax') x = tf.softmax(x);
      } else if (s.kind === 'dense') {
        x = tf.fused.matMul({ a: x as tf.Tensor2D, b: s.kernel, bias: s.bias ?? undefined, activation: fusable(s.activation) });
        if (s.activation === 'softmax') x = tf.softmax(x);
      } else if (s.kind === 'affine') {
        x = activate(tf.add(tf.mul(x, s.scale), s.shift), s.activation);
      } else if (s.kind === 'maxPool') {
        x = tf.maxPool(x as tf.Tensor4D, s.pool, s.strides, s.pad);
      } else if (s.kind === 'activation') {
        x = activate(x, s.activation);
      } else {
        x = tf.reshape(x, [x.shape[0]!, -1]);
      }
    }
    return x as tf.Tensor2D;
  });
}

/**
 * A classifier for `model` with batch normalization folded into the convolutions and dense layers
 * before it; a model with layers this does not handle is wrapped as it is. The weights are copied:
 * training `model` further does not change the classifier (make a new one).
 */
export function inferenceClassifier(model: tfl.LayersModel): Classifier {
  const classes = model.outputs[0]!.shape[1] as number;
  const steps = model instanceof tfl.Sequential ? compile(model) : null;
  if (steps === null) {
    return { folded: false, classes, predict: (x) => model.predict(x) as tf.Tensor2D, dispose: () => undefined };
  }
  return {
    folded: true,
    classes,
    predict: (x) => run(steps, x),
    dispose: () => disposeSteps(steps),
  };
}
