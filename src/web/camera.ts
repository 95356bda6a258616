// The webcam on the page: opening it (with a message a person can act on when it cannot be), and two
// loops, as Human's demo runs them: detection as fast as the recognizer allows (one analysis per
// new camera frame), drawing at the screen's rate from the smoothed tracks (tracker.ts).
import type { BrowserRecognizer, PhotoResult, PhotoTimings } from '../browser/index.js';
import { drawFaces, fitCanvas } from './draw.js';
import type { FacePlacement } from './overlay-layout.js';
import { FaceTracker } from './tracker.js';

/** Why the camera could not start, and what to tell the person. */
export class CameraError extends Error {
  constructor(readonly problem: 'no-camera' | 'denied' | 'insecure' | 'busy' | 'other', message: string) {
    super(message);
  }
}

/** Asks for the camera (640×480, the front one on a phone) and plays it in `video`. */
export async function openCamera(video: HTMLVideoElement): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('insecure', 'The camera is only available on a secure page (https, or http://localhost). You can still choose a photo.');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' } });
  } catch (error) {
    throw cameraError(error);
  }
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  return stream;
}

function cameraError(error: unknown): CameraError {
  const name = (error as DOMException | undefined)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return new CameraError('denied', 'Camera permission denied. Allow the camera for this page in the browser\'s site settings and try again, or choose a photo below.');
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') {
    return new CameraError('no-camera', 'No camera found. You can still choose a photo or drop one on the page.');
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return new CameraError('busy', 'The camera could not be started: another program may be using it. You can still choose a photo.');
  }
  return new CameraError('other', `The camera could not be started (${(error as Error).message ?? name}). You can still choose a photo.`);
}

/**
 * Which camera frame the video shows, so that the loop starts at once on a frame that arrived while
 * it was busy instead of waiting for the next one (which would round its rate down to 30, 15, 10 …
 * fps). A frame is known by its timestamp (a WebCodecs VideoFrame of the video, ~0.05 ms), which is
 * current even while the main thread is busy; where VideoFrame is missing, by counting the frames
 * requestVideoFrameCallback announces (those callbacks only run between tasks, so up to a screen
 * refresh late).
 */
export class FrameClock {
  private presented = 0;
  private taken: number | undefined;
  private waiting: (() => void) | undefined;
  private stopped = false;
  private readonly announced: boolean;

  constructor(private readonly video: HTMLVideoElement) {
    this.announced = 'requestVideoFrameCallback' in video;
    if (this.announced) this.listen();
  }

  private listen(): void {
    this.video.requestVideoFrameCallback(() => {
      if (this.stopped) return;
      this.presented += 1;
      this.waiting?.();
      this.listen();
    });
  }

  /** The shown frame's timestamp, else the count of announced frames. */
  private current(): number {
    if (typeof VideoFrame === 'function' && this.video.readyState >= 2) {
      try {
        const frame = new VideoFrame(this.video);
        const stamp = frame.timestamp;
        frame.close();
        return stamp;
      } catch {
        // no frame to take: count announcements instead
      }
    }
    return this.presented;
  }

  /** The next announced frame, or 100 ms (a stalled camera still lets the loop see `running`). */
  private announcement(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, 100);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiting = done;
    }).finally(() => {
      this.waiting = undefined;
    });
  }

  /**
   * Resolves when the video shows a frame not taken yet (at once if one came meanwhile), and takes it.
   * Always after a task boundary: the recognizer's awaits may all settle as microtasks, and a loop
   * that never yields a task would starve the page's drawing, input and rendering.
   */
  async fresh(): Promise<void> {
    await nextTask();
    if (!this.announced && typeof VideoFrame !== 'function') {
      await new Promise((resolve) => setTimeout(resolve, 0)); // no way to tell frames apart: every turn is a frame
      return;
    }
    while (!this.stopped) {
      const frame = this.current();
      if (frame !== this.taken) {
        this.taken = frame;
        return;
      }
      await (this.announced ? this.announcement() : new Promise((resolve) => setTimeout(resolve, 5)));
    }
  }

  stop(): void {
    this.stopped = true;
    this.waiting?.();
  }
}

/** A promise settled in a new task (a message to itself: unlike setTimeout, not clamped to 4 ms when nested). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/** Analysed frames per second over the last two seconds. */
class FpsMeter {
  private times: number[] = [];

  tick(now: number): void {
    this.times.push(now);
    while (this.times.length > 2 && now - this.times[0]! > 2000) this.times.shift();
  }

  get fps(): number {
    const n = this.times.length;
    return n < 2 ? 0 : ((n - 1) * 1000) / (this.times[n - 1]! - this.times[0]!);
  }
}

/** Milliseconds spent in each step, summed over the frames analysed since start. */
export interface StageTotals {
  capture: number;
  detect: number;
  classify: number;
  total: number;
}

export interface LoopHooks {
  /** after each analysed frame; `frames` counts them since start */
  onResult(result: PhotoResult, frames: number, fps: number, stages: Readonly<StageTotals>): void;
}

/** The detection and drawing loops over a playing `video`, drawing on `overlay`. */
export class CameraLoop {
  private running = false;
  private frames = 0;
  private readonly tracker = new FaceTracker();
  private readonly meter = new FpsMeter();
  private readonly stages: StageTotals = { capture: 0, detect: 0, classify: 0, total: 0 };

  constructor(
    private readonly recognizer: BrowserRecognizer,
    private readonly video: HTMLVideoElement,
    private readonly overlay: HTMLCanvasElement,
    private readonly hooks: LoopHooks,
    private readonly mirrored = true,
  ) {}

  start(): void {
    this.running = true;
    void this.detect();
    requestAnimationFrame(this.draw);
  }

  stop(): void {
    this.running = false;
    this.tracker.clear();
    this.drawnSize = '';
    const ctx = this.overlay.getContext('2d');
    ctx?.clearRect(0, 0, this.overlay.width, this.overlay.height);
  }

  private async detect(): Promise<void> {
    const frames = new FrameClock(this.video);
    try {
      while (this.running) {
        await frames.fresh();
        if (!this.running) break;
        const t: PhotoTimings = { decode: 0, detect: 0, classify: 0, total: 0 };
        const result = await this.recognizer.recognize(this.video, { timings: t });
        if (!this.running) break;
        const now = performance.now();
        if (result.error === undefined) {
          this.stages.capture += t.decode;
          this.stages.detect += t.detect;
          this.stages.classify += t.classify;
          this.stages.total += t.total;
          this.tracker.update(result.faces, now);
          this.meter.tick(now);
          this.frames += 1;
        }
        this.hooks.onResult(result, this.frames, this.meter.fps, this.stages);
      }
    } finally {
      frames.stop();
    }
  }

  private drawnSize = '';
  /** the last frame's label and panel places, by track id (steady panels as faces move) */
  private placements = new Map<number, FacePlacement>();

  private readonly draw = (now: number): void => {
    if (!this.running) return;
    const width = this.video.clientWidth;
    const height = this.video.clientHeight;
    // nothing new since the last frame drawn (a still scene between analyses): the main thread is left to the recognizer
    const size = `${width}x${height}x${this.video.videoWidth}`;
    if (size === this.drawnSize && this.tracker.unchanged(now)) {
      requestAnimationFrame(this.draw);
      return;
    }
    this.drawnSize = size;
    const ctx = fitCanvas(this.overlay, width, height);
    ctx.clearRect(0, 0, width, height);
    if (this.video.videoWidth > 0) {
      const faces = this.tracker.draw(now).map((f) => ({ ...f, colourIndex: f.id }));
      const view = { scale: width / this.video.videoWidth, mirrorWidth: this.mirrored ? this.video.videoWidth : undefined };
      this.placements = drawFaces(ctx, faces, view, width, height, this.placements);
    }
    requestAnimationFrame(this.draw);
  };
}
