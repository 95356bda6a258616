// The webcam on the page: opening it (with a message a person can act on when it cannot be), and two
// loops, as Human's demo runs them: detection as fast as the recognizer allows (one analysis per
// new camera frame), drawing at the screen's rate from the smoothed tracks (tracker.ts).
import type { BrowserRecognizer, PhotoResult } from '../browser/index.js';
import { drawFaces, fitCanvas } from './draw.js';
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

export interface LoopHooks {
  /** after each analysed frame; `frames` counts them since start */
  onResult(result: PhotoResult, frames: number, fps: number): void;
}

/** The detection and drawing loops over a playing `video`, drawing on `overlay`. */
export class CameraLoop {
  private running = false;
  private frames = 0;
  private readonly tracker = new FaceTracker();
  private readonly meter = new FpsMeter();

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
    const ctx = this.overlay.getContext('2d');
    ctx?.clearRect(0, 0, this.overlay.width, this.overlay.height);
  }

  private async detect(): Promise<void> {
    while (this.running) {
      await this.nextFrame();
      if (!this.running) break;
      const result = await this.recognizer.recognize(this.video);
      if (!this.running) break;
      const now = performance.now();
      if (result.error === undefined) {
        this.tracker.update(result.faces, now);
        this.meter.tick(now);
        this.frames += 1;
      }
      this.hooks.onResult(result, this.frames, this.meter.fps);
    }
  }

  /** Resolves at the next camera frame (or after 100 ms where frames are not announced). */
  private nextFrame(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 100);
      if ('requestVideoFrameCallback' in this.video) {
        this.video.requestVideoFrameCallback(() => { clearTimeout(timer); resolve(); });
      } else {
        clearTimeout(timer);
        setTimeout(resolve, 0);
      }
    });
  }

  private readonly draw = (now: number): void => {
    if (!this.running) return;
    const width = this.video.clientWidth;
    const height = this.video.clientHeight;
    const ctx = fitCanvas(this.overlay, width, height);
    ctx.clearRect(0, 0, width, height);
    if (this.video.videoWidth > 0) {
      const faces = this.tracker.draw(now).map((f) => ({ ...f, colourIndex: f.id }));
      drawFaces(ctx, faces, { scale: width / this.video.videoWidth, mirrorWidth: this.mirrored ? this.video.videoWidth : undefined }, width, height);
    }
    requestAnimationFrame(this.draw);
  };
}
