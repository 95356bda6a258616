// The per-epoch record of a run, as `history.json` stores it.

/** One finished epoch: training loss and accuracy, validation loss and accuracy, wall time in seconds. */
export interface EpochLog {
  epoch: number;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  seconds: number;
}

/** The contents of a run's `history.json`. */
export interface History {
  epochs: EpochLog[];
}

/** The epoch with the highest validation accuracy (the first one on ties), or undefined before any epoch. */
export function bestEpoch(history: { readonly epochs: readonly EpochLog[] }): EpochLog | undefined {
  let best: EpochLog | undefined;
  for (const e of history.epochs) if (!best || e.valAcc > best.valAcc) best = e;
  return best;
}
