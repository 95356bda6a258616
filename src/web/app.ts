// The page: the webcam (button, or /?camera=1 to start at once) and photos (file input or drag and
// drop), both analysed in the page by the browser module (`./emoscope.js`, as any page would import
// it), drawn with boxes, labels and score bars. For checks and developers, the latest result is the
// JSON text of [data-testid=result] and the analysed frames per second the text of [data-testid=fps].
// `?backend=wasm|webgl|cpu` picks TF.js's backend (default: automatic).
import { backendSupport, loadRecognizer, wasmThreads } from '../browser/index.js';
import type { BrowserBackend, BrowserRecognizer, PhotoResult } from '../browser/index.js';
import { CameraError, CameraLoop, openCamera } from './camera.js';
import { drawFaces, fitCanvas } from './draw.js';
import { modelNote } from './model-note.js';

const $ = <T extends HTMLElement>(id: string): T => document.querySelector<T>(`[data-testid="${id}"]`)!;
const startButton = $<HTMLButtonElement>('start-camera');
const photoInput = $<HTMLInputElement>('photo');
const fpsText = $('fps');
const resultText = $('result');
const message = $('message');
const status = $('status');
const stage = $('stage');
const video = $<HTMLVideoElement>('video');
const overlay = $<HTMLCanvasElement>('overlay');
const photoCanvas = $<HTMLCanvasElement>('photo-canvas');

const params = new URLSearchParams(location.search);
const loadedAt = performance.now();
let recognizer: BrowserRecognizer | undefined;
let camera: { loop: CameraLoop; stream: MediaStream } | undefined;
let shownPhoto: { image: HTMLImageElement; result: PhotoResult } | undefined;
let firstResult = true;
/** What stays said about this browser (no WebAssembly) when there is nothing else to say. */
let notice = '';

function say(text: string, kind: 'error' | 'info' = 'error'): void {
  message.textContent = text || notice;
  message.dataset.kind = text ? kind : 'info';
  message.hidden = message.textContent === '';
}

function showResult(result: PhotoResult): void {
  resultText.textContent = JSON.stringify(result, null, 2);
  if (firstResult) {
    firstResult = false;
    resultText.dataset.firstResultMs = String(Math.round(performance.now() - loadedAt)); // for the benchmark
  }
}

/** "Ready · wasm, 2 threads": the backend in force, and its threads when it has several. */
function readyText(r: BrowserRecognizer): string {
  const threads = wasmThreads();
  return `Ready · ${r.backend}${threads > 1 ? `, ${threads} threads` : ''}`;
}

const ready: Promise<BrowserRecognizer> = (async () => {
  const support = backendSupport();
  if (!support.wasm) {
    notice = `This browser has no WebAssembly, so the recognizer runs on ${support.webgl ? 'WebGL' : 'plain JavaScript'}: photos work, the camera may be slow.`;
    say('');
  }
  status.textContent = 'Loading the models…';
  const backend = (params.get('backend') ?? 'auto') as BrowserBackend | 'auto';
  recognizer = await loadRecognizer({ backend });
  status.textContent = readyText(recognizer);
  const note = modelNote(recognizer.meta);
  $('model-origin').textContent = note.origin;
  $('model-errors').textContent = note.errors;
  $('model-about').textContent = note.about;
  document.body.dataset.backend = recognizer.backend;
  return recognizer;
})();
ready.catch((error: Error) => {
  status.textContent = 'Not ready';
  say(`The recognizer could not start: ${error.message}`);
});

async function startCamera(): Promise<void> {
  if (camera) return stopCamera();
  startButton.disabled = true;
  try {
    const r = await ready;
    const stream = await openCamera(video);
    showMode('camera');
    say('');
    const loop = new CameraLoop(r, video, overlay, {
      onResult(result, frames, fps, stages) {
        showResult(result);
        fpsText.textContent = fps.toFixed(1);
        fpsText.dataset.frames = String(frames);
        // for the benchmark: ms per step summed over the analysed frames (capture, detect, classify, total)
        fpsText.dataset.stagesMs = [stages.capture, stages.detect, stages.classify, stages.total].map((ms) => ms.toFixed(1)).join(' ');
      },
    });
    camera = { loop, stream };
    loop.start();
    startButton.textContent = 'Stop camera';
  } catch (error) {
    say(error instanceof CameraError ? error.message : `The camera could not be started: ${(error as Error).message}`);
  } finally {
    startButton.disabled = false;
  }
}

function stopCamera(): void {
  if (!camera) return;
  camera.loop.stop();
  for (const track of camera.stream.getTracks()) track.stop();
  video.srcObject = null;
  camera = undefined;
  startButton.textContent = 'Start camera';
  fpsText.textContent = '–';
}

function showMode(mode: 'camera' | 'photo' | 'empty'): void {
  stage.dataset.mode = mode;
}

async function analyseFile(file: File): Promise<void> {
  stopCamera();
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    try {
      await image.decode();
    } catch {
      say(`${file.name}: not an image this browser can read (expected JPEG, PNG, WebP, GIF or BMP)`);
      return;
    }
    status.textContent = `Analysing ${file.name}…`;
    const r = await ready;
    const result = await r.recognize(image, { file: file.name });
    status.textContent = readyText(r);
    say(result.faces.length === 0 ? `${file.name}: no face found` : '', 'info');
    shownPhoto = { image, result };
    showMode('photo');
    drawPhoto();
    showResult(result);
  } catch (error) {
    say(`${file.name}: ${(error as Error).message}`);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The photo fitted to the stage, its faces drawn as `predict --out` draws them, numbered. */
function drawPhoto(): void {
  if (!shownPhoto) return;
  const { image, result } = shownPhoto;
  const maxW = stage.clientWidth;
  const maxH = Math.max(240, window.innerHeight * 0.72);
  const scale = Math.min(maxW / image.naturalWidth, maxH / image.naturalHeight, 1.5);
  const width = Math.round(image.naturalWidth * scale);
  const height = Math.round(image.naturalHeight * scale);
  photoCanvas.style.width = `${width}px`;
  photoCanvas.style.height = `${height}px`;
  const ctx = fitCanvas(photoCanvas, width, height);
  ctx.drawImage(image, 0, 0, width, height);
  const faces = result.faces.map((f, i) => ({ ...f, confidence: f.scores[f.emotion], colourIndex: i, prefix: `${i + 1} ` }));
  drawFaces(ctx, faces, { scale }, width, height);
}

startButton.addEventListener('click', () => void startCamera());
photoInput.addEventListener('change', () => {
  const file = photoInput.files?.[0];
  if (file) void analyseFile(file);
});
document.addEventListener('dragover', (event) => {
  event.preventDefault();
  stage.classList.add('dropping');
});
document.addEventListener('dragleave', () => stage.classList.remove('dropping'));
document.addEventListener('drop', (event) => {
  event.preventDefault();
  stage.classList.remove('dropping');
  const file = Array.from(event.dataTransfer?.files ?? []).find((f) => f.type.startsWith('image/')) ?? event.dataTransfer?.files[0];
  if (file) void analyseFile(file);
});
window.addEventListener('resize', drawPhoto);
showMode('empty');
if (params.get('camera') === '1') void startCamera();
