// The hook through which data-parallel workers agree on batch statistics. Batch normalization
// needs the mean and variance of the whole batch, but each worker holds only its shard: its
// kernels pass their per-channel partial sums through `allReduce`, which in a worker sums them
// across all workers (workers.ts installs it) and in a single process does nothing.

type Reducer = (values: Float64Array) => void;

let reducer: Reducer | undefined;

/** Installs (or, with undefined, removes) the cross-worker sum used by `allReduce`. */
export function setAllReduce(fn: Reducer | undefined): void {
  reducer = fn;
}

/** Replaces `values` in place by their element-wise sum over all workers (identity in one process). */
export function allReduce(values: Float64Array): void {
  reducer?.(values);
}
