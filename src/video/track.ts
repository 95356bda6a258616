// Following faces from frame to frame: each detection is matched to the live track whose last box
// overlaps it most (IoU), or failing any overlap, whose centre is nearest within a box's side
// (fast motion, low sampling rates); greedy, best pairs first. A track that finds no face survives
// `maxMissed` analysed frames, then ends; a scene cut ends every track. Ids are 1, 2, … in order
// of appearance and never reused within a video.
import type { Box } from '../types.js';
import { iou } from '../vision/detector.js';

export interface TrackerOptions {
  /** analysed frames a track may go without a face before it ends */
  maxMissed: number;
  /** a detection overlapping a track's last box at least this much (IoU) continues it */
  minIou: number;
  /** …or, without overlap, one whose centre is within this many box sides of the track's */
  maxDistance: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = { maxMissed: 5, minIou: 0.2, maxDistance: 0.6 };

interface LiveTrack {
  id: number;
  box: Box;
  missed: number;
}

/** What one frame did to the tracks. */
export interface TrackUpdate {
  /** the track id of each detection, in the detections' order */
  ids: number[];
  /** tracks that ended with this frame (before it, for a scene cut), oldest first */
  ended: number[];
}

/** Assigns track ids to the faces of successive frames. */
export class Tracker {
  private live: LiveTrack[] = [];
  private nextId = 1;

  constructor(private readonly options: TrackerOptions = DEFAULT_TRACKER_OPTIONS) {}

  /** Matches `boxes` (one frame's faces) to the live tracks; `cut` says a new scene starts here. */
  update(boxes: readonly Box[], cut = false): TrackUpdate {
    const ended: number[] = [];
    if (cut) {
      ended.push(...this.live.map((t) => t.id));
      this.live = [];
    }
    const pairs: Array<{ t: number; d: number; key: number }> = [];
    this.live.forEach((track, t) => {
      boxes.forEach((box, d) => {
        const overlap = iou(track.box, box);
        if (overlap >= this.options.minIou) {
          pairs.push({ t, d, key: 1 + overlap }); // any overlap ranks above any mere nearness
          return;
        }
        const side = Math.max(track.box.width, track.box.height, box.width, box.height);
        const distance = Math.hypot(centre(track.box).x - centre(box).x, centre(track.box).y - centre(box).y) / side;
        if (distance <= this.options.maxDistance) pairs.push({ t, d, key: 1 - distance });
      });
    });
    pairs.sort((a, b) => b.key - a.key);
    const ids: number[] = new Array<number>(boxes.length).fill(0);
    const taken = new Set<number>();
    for (const { t, d } of pairs) {
      if (taken.has(t) || ids[d] !== 0) continue;
      taken.add(t);
      ids[d] = this.live[t]!.id;
      this.live[t]!.box = boxes[d]!;
      this.live[t]!.missed = 0;
    }
    const survivors: LiveTrack[] = [];
    this.live.forEach((track, t) => {
      if (taken.has(t)) survivors.push(track);
      else if (++track.missed > this.options.maxMissed) ended.push(track.id);
      else survivors.push(track);
    });
    this.live = survivors;
    boxes.forEach((box, d) => {
      if (ids[d] !== 0) return;
      ids[d] = this.nextId++;
      this.live.push({ id: ids[d]!, box, missed: 0 });
    });
    return { ids, ended: ended.sort((a, b) => a - b) };
  }

  /** Ids of the tracks still alive, oldest first. */
  liveIds(): number[] {
    return this.live.map((t) => t.id).sort((a, b) => a - b);
  }
}

function centre(box: Box): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}
