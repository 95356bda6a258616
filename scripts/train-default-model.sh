#!/usr/bin/env bash
# The shipped model's recipe (models/default/MODEL_CARD.md) as one command: ten stages, each
# resumable. Run it again after a stop (Ctrl-C, a lost session) and it continues the stage it was in
# from its last epoch; finished stages are skipped. About 7 h 22 min on a 2-core CPU.
#
#   scripts/train-default-model.sh <fer2013 path> <runs folder> [flags added to every new train stage]
#
# Extra flags go to every `train` that starts a stage (for a quick try: --limit 70 --epochs 1);
# `refresh-bn` always reads the whole training split. The model to ship ends in <runs folder>/emo-vgg-final;
# its weights are stored as float16 (half the bytes, the same network), then it is evaluated and shipped:
#   npx emoscope float16 --model <runs>/emo-vgg-final --data <fer2013> --out <runs>/emo-vgg-final16
#   npx tsc -p tsconfig.json && node dist/scripts/ship-model.js --run <runs>/emo-vgg-final16 --data <fer2013> --out models/default
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <fer2013 path> <runs folder> [flags added to every new train stage]" >&2
  exit 2
fi
data=$1
runs=$2
shift 2
extra=("$@")
emoscope() { node "$(dirname "$0")/../bin/emoscope.js" "$@"; }

# train <run folder> <flags…>: a new run, or the resumed one when it has a checkpoint (its saved config wins).
# The data set is $data unless stage_data names another.
stage_train() {
  local out=$1
  shift
  if [ -d "$out/last" ]; then emoscope train --out "$out" --resume
  else emoscope train --data "${stage_data:-$data}" --out "$out" "$@" "${extra[@]}"; fi
}

# refresh-bn <model> <out>: written atomically, so a folder with emoscope.json is a finished stage.
stage_refresh() {
  if [ -f "$2/emoscope.json" ]; then echo "$2 is done"
  else emoscope refresh-bn --model "$1" --data "${stage_data:-$data}" --out "$2"; fi
}

mkdir -p "$runs"
# 1. from scratch: 30 epochs, one-cycle up to 0.05 (the architecture's recipe)
stage_train "$runs/emo-vgg-2" --model emo-vgg --epochs 30 --class-weighting sqrt
# 2. from stage 1's best: 30 epochs, one-cycle up to 0.02, 10 % warm-up
stage_train "$runs/emo-vgg-ft" --init "$runs/emo-vgg-2/best" --epochs 30 --learning-rate 0.02 --warmup 0.1 --class-weighting sqrt
# 3. from stage 2's best: 20 epochs, one-cycle up to 0.004, another shuffling seed
stage_train "$runs/emo-vgg-ft2b" --init "$runs/emo-vgg-ft/best" --epochs 20 --learning-rate 0.004 --warmup 0.1 --class-weighting sqrt --seed 2
# 4. batch normalization's statistics re-estimated on the training faces without augmentation
stage_refresh "$runs/emo-vgg-ft2b" "$runs/emo-vgg-ft2b-bn"
# 5. 5 epochs on the faces as they are, cosine from 0.001
stage_train "$runs/emo-vgg-ft3n" --init "$runs/emo-vgg-ft2b-bn" --epochs 5 --learning-rate 0.001 --schedule cosine --warmup 0 --augment none --class-weighting sqrt --seed 5
# 6. the refresh again, on stage 5's last epoch
stage_refresh "$runs/emo-vgg-ft3n/last" "$runs/emo-vgg-ft3n-bn"
# 7. the training faces as the detector frames them in photos: each scaled to 256 px, found by BlazeFace,
#    cropped at margin 0.3 (resumable: crops already written are kept), beside the originals
node "$(dirname "$0")/../dist/scripts/detector-crops.js" --data "$data" --out "$runs/fer-detector" --margin 0.3
# 8. 3 epochs on both framings from stage 6, cosine from 0.0005, then the refresh on both framings
stage_data="$runs/fer-detector"
stage_train "$runs/emo-vgg-det" --init "$runs/emo-vgg-ft3n-bn" --epochs 3 --learning-rate 0.0005 --schedule cosine --warmup 0 --augment none --class-weighting sqrt --seed 8
stage_refresh "$runs/emo-vgg-det/last" "$runs/emo-vgg-det-bn"
# 9. 2 epochs with the capture augmentation (blur, low resolution, noise, strong light changes) on both
#    framings from stage 8, cosine from 0.0005, then the refresh
stage_train "$runs/emo-vgg-cap" --init "$runs/emo-vgg-det-bn" --epochs 2 --learning-rate 0.0005 --schedule cosine --warmup 0 --augment capture --class-weighting sqrt --seed 10
stage_refresh "$runs/emo-vgg-cap/last" "$runs/emo-vgg-cap-bn"
# 10. the weights of stage 8 and stage 9 averaged three parts to one: one model, one forward pass
#     (written atomically, like the refreshes)
if [ -f "$runs/emo-vgg-final/emoscope.json" ]; then echo "$runs/emo-vgg-final is done"
else emoscope average "$runs/emo-vgg-det-bn" "$runs/emo-vgg-cap-bn" --weights 3,1 --out "$runs/emo-vgg-final"; fi
echo "Done: $runs/emo-vgg-final (measure it: npx emoscope evaluate --model $runs/emo-vgg-final --data $data --split val)"
