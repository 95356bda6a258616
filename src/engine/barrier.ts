// A reusable barrier and an all-reduce for worker threads over SharedArrayBuffers. Every
// participant sums the same slots in the same order, so all get bit-identical results.

/** Shared state of one worker group: control words and one slot of doubles per worker. */
export interface SyncBuffers {
  /** Int32 words: [arrived, generation, participants] */
  control: SharedArrayBuffer;
  /** Float64 slots, `slotLength` values per worker */
  slots: SharedArrayBuffer;
  slotLength: number;
}

/** Allocates the shared state for up to `workers` participants exchanging vectors of up to `slotLength` values. */
export function createSyncBuffers(workers: number, slotLength = 8192): SyncBuffers {
  return {
    control: new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT),
    slots: new SharedArrayBuffer(workers * slotLength * Float64Array.BYTES_PER_ELEMENT),
    slotLength,
  };
}

/** Sets how many workers take part in the next step (main thread, before the step starts). */
export function setParticipants(buffers: SyncBuffers, participants: number): void {
  Atomics.store(new Int32Array(buffers.control), 2, participants);
}

/** Blocks until every participant has arrived (worker threads only: it uses Atomics.wait). */
export function barrier(control: Int32Array): void {
  const participants = Atomics.load(control, 2);
  const generation = Atomics.load(control, 1);
  if (Atomics.add(control, 0, 1) === participants - 1) {
    Atomics.store(control, 0, 0);
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  } else {
    while (Atomics.load(control, 1) === generation) Atomics.wait(control, 1, generation);
  }
}

/** An all-reduce (sum) for worker `index`: replaces `values` by the sum over all participants. */
export function makeAllReduce(buffers: SyncBuffers, index: number): (values: Float64Array) => void {
  const control = new Int32Array(buffers.control);
  const slots = new Float64Array(buffers.slots);
  return (values) => {
    if (values.length > buffers.slotLength) {
      throw new Error(`emoscope engine: all-reduce of ${values.length} values exceeds the slot of ${buffers.slotLength}`);
    }
    const participants = Atomics.load(control, 2);
    slots.set(values, index * buffers.slotLength);
    barrier(control);
    values.fill(0);
    for (let w = 0; w < participants; w++) {
      const base = w * buffers.slotLength;
      for (let i = 0; i < values.length; i++) values[i] += slots[base + i];
    }
    barrier(control); // nobody overwrites a slot before everyone has read it
  };
}
