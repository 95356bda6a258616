// Where a wasm-backend tensor lives: the heap's ArrayBuffer and the tensor's byte offset in it.
import type * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Byte offset of `info`'s data on the wasm heap; stable while the tensor lives, even if the heap grows. */
export function offsetOf(backend: BackendWasm, info: tf.TensorInfo): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}

/**
 * The wasm heap as it is now. Take it after every makeOutput of the kernel: an allocation can
 * grow the heap, which replaces the buffer.
 */
export function heapOf(backend: BackendWasm): ArrayBuffer {
  return (backend.wasm as unknown as { HEAPF32: Float32Array }).HEAPF32.buffer as ArrayBuffer;
}
