// Training progress for people: a progress bar per epoch (loss, accuracy, ETA) on a terminal,
// one plain line per epoch (and every few percent) when the output is a file or a pipe.
import cliProgress from 'cli-progress';
import type { TrainCallbacks } from '../train/train.js';
import { printableLines } from '../util/printable.js';
import { describeSkipped } from './data.js';
import { passedOverNote } from './listing.js';

export function progressCallbacks(stream: NodeJS.WriteStream = process.stderr): TrainCallbacks {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let epochs = 0;
  let lastPlain = 0;
  let epochStart = 0;
  return {
    onTrainBegin(info) {
      epochs = info.config.epochs;
      stream.write(
        `Training ${info.config.model} (${info.parameters.toLocaleString('en-US')} parameters) on ${info.trainFaces} faces, ` +
        `validating on ${info.valFaces}; ${info.batchesPerEpoch} batches of ${info.config.batchSize} per epoch` +
        `${info.config.workers > 1 ? ` on ${info.config.workers} workers` : ''}` +
        `${info.startEpoch > 1 ? `; resuming at epoch ${info.startEpoch}` : ''}\n`,
      );
    },
    onEpochBegin(epoch, batches) {
      epochStart = Date.now();
      lastPlain = 0;
      if (tty) {
        bar = new cliProgress.SingleBar({
          format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | ETA {eta_formatted}`,
          stream,
          hideCursor: true,
          etaBuffer: 20,
        }, cliProgress.Presets.shades_classic);
        bar.start(batches, 0, { loss: '-', acc: '-' });
      }
    },
    onBatchEnd(info) {
      if (bar) {
        bar.update(info.batch, { loss: info.loss.toFixed(4), acc: info.acc.toFixed(4) });
        return;
      }
      const pct = Math.floor((info.batch / info.batches) * 10);
      if (pct > lastPlain && info.batch < info.batches) {
        lastPlain = pct;
        const elapsed = (Date.now() - epochStart) / 1000;
        const eta = (elapsed / info.batch) * (info.batches - info.batch);
        stream.write(`epoch ${info.epoch}/${epochs} ${info.batch}/${info.batches} loss ${info.loss.toFixed(4)} acc ${info.acc.toFixed(4)} ETA ${eta.toFixed(0)}s\n`);
      }
    },
    onEpochEnd(log, improved) {
      bar?.stop();
      bar = undefined;
      stream.write(
        `epoch ${log.epoch}/${epochs} done in ${log.seconds.toFixed(1)}s: loss ${log.loss.toFixed(4)} acc ${log.acc.toFixed(4)} ` +
        `val_loss ${log.valLoss.toFixed(4)} val_acc ${log.valAcc.toFixed(4)}${improved ? ' (best so far)' : ''}\n`,
      );
    },
    onWarning(message) {
      stream.write(`warning: ${printableLines(message)}\n`);
    },
    onStatus(message) {
      stream.write(`${printableLines(message)}\n`);
    },
    onSkipped(skipped) {
      stream.write(describeSkipped(skipped));
    },
    onPassedOver(passedOver) {
      stream.write(passedOverNote({ passedOver }));
    },
    onTrainEnd(result) {
      bar?.stop();
      const best = result.best ? `best val_acc ${result.best.valAcc.toFixed(4)} at epoch ${result.best.epoch}` : 'no finished epoch';
      const why = { completed: 'all epochs done', 'early-stopping': 'early stopping', interrupted: 'interrupted; continue with --resume' }[result.stopped];
      stream.write(`Stopped (${why}): ${best}. Run folder: ${result.runDir}\n`);
    },
  };
}
