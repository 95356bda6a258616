// JSON schemas of the API: they validate queries, serialize answers (nothing undeclared leaves the
// server) and make the OpenAPI document (/docs/json), from one place.
import { ERROR_CATALOGUE } from '../errors.js';
import { DEFAULT_RECOGNIZER_OPTIONS } from '../predict/options.js';
import { TTA_MODES } from '../choices.js';
import { EMOTIONS } from '../types.js';

/** The answer of every failure. */
export const ERROR_SCHEMA = {
  $id: 'Error',
  type: 'object',
  description: 'Every failure: a code from the catalogue (see the README\'s error table) and a message naming what was expected and what was received.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) },
        message: { type: 'string' },
      },
    },
  },
} as const;

const ERROR_REF = { $ref: 'Error#' } as const;

/** Every error status the API answers, for the response schemas of each route. */
export const ERROR_RESPONSES = { '4xx': ERROR_REF, '5xx': ERROR_REF } as const;

const BOX = {
  type: 'object',
  description: 'in pixels of the upright photo',
  required: ['x', 'y', 'width', 'height'],
  properties: { x: { type: 'integer' }, y: { type: 'integer' }, width: { type: 'integer' }, height: { type: 'integer' } },
} as const;

const FACE = {
  type: 'object',
  required: ['box', 'score', 'emotion', 'scores'],
  properties: {
    box: BOX,
    score: { type: 'number', description: 'the detector\'s confidence that this is a face, 0..1' },
    emotion: { type: 'string', enum: [...EMOTIONS], description: 'the expression with the highest score' },
    scores: {
      type: 'object',
      description: 'the classifier\'s probability of each expression (sums to 1)',
      required: [...EMOTIONS],
      properties: Object.fromEntries(EMOTIONS.map((e) => [e, { type: 'number' }])),
    },
  },
} as const;

const MS = { type: 'number', description: 'milliseconds' } as const;

/** POST /v1/analyze's answer: `emoscope predict --json`'s object for one photo (without `file`) and timings. */
export const ANALYZE_RESULT_SCHEMA = {
  type: 'object',
  required: ['width', 'height', 'faces', 'timings'],
  properties: {
    width: { type: 'integer', description: 'upright width of the photo in pixels' },
    height: { type: 'integer' },
    faces: { type: 'array', items: FACE, description: 'left to right; empty when no face was found' },
    timings: {
      type: 'object',
      description: 'Time each step took in the worker. The full decode runs beside detection, so the steps can add up to more than total.',
      required: ['decode', 'detect', 'classify', 'total'],
      properties: { decode: MS, detect: MS, classify: MS, total: MS },
    },
  },
} as const;

/** POST /v1/analyze's options: predict's flags. */
export const ANALYZE_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    largestFace: { type: 'boolean', default: DEFAULT_RECOGNIZER_OPTIONS.largestFace, description: 'keep only the largest face' },
    minFaceScore: { type: 'number', minimum: 0, maximum: 1, default: DEFAULT_RECOGNIZER_OPTIONS.minFaceScore, description: 'keep faces the detector scores at least this' },
    tta: { type: 'string', enum: [...TTA_MODES], default: DEFAULT_RECOGNIZER_OPTIONS.tta, description: 'test-time augmentation: flip averages each face with its mirror image, crops 10 views' },
  },
} as const;

const BINARY = { type: 'string', format: 'binary' } as const;

/** The image types emoscope decodes, each accepted as a raw body. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/bmp'] as const;

/** POST /v1/analyze's body, for the OpenAPI document only (the handler reads the body itself). */
export const ANALYZE_BODY_DOC = {
  description: 'The photo: a multipart/form-data field named image, or the raw bytes with an image/* Content-Type.',
  content: {
    'multipart/form-data': {
      schema: { type: 'object', required: ['image'], properties: { image: { ...BINARY, description: 'the photo (JPEG, PNG, WebP, GIF, TIFF or BMP)' } } },
    },
    ...Object.fromEntries(IMAGE_TYPES.map((t) => [t, { schema: BINARY }])),
  },
} as const;

/** GET /v1/model's answer. */
export const MODEL_SCHEMA = {
  type: 'object',
  required: ['labels', 'architecture', 'parameters', 'inputShape', 'preprocessing', 'metrics', 'detector'],
  properties: {
    labels: { type: 'array', items: { type: 'string', enum: [...EMOTIONS] }, description: 'the classifier\'s output order' },
    architecture: { type: 'string' },
    parameters: { type: 'integer' },
    inputShape: { type: 'array', items: { type: 'integer' }, description: '[height, width, channels] of a face' },
    preprocessing: {
      type: 'object',
      properties: { color: { type: 'string' }, size: { type: 'integer' }, scale: { type: 'number' }, offset: { type: 'number' } },
    },
    metrics: { type: 'object', additionalProperties: true, description: 'as recorded in the model\'s emoscope.json (e.g. test accuracy)' },
    createdAt: { type: 'string' },
    detector: { type: 'string', description: 'the face detector' },
    note: { type: 'string' },
  },
} as const;

/** GET /healthz and /readyz answers. */
export const STATUS_SCHEMA = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, workers: { type: 'integer' }, queueDepth: { type: 'integer' } },
} as const;

/** Said wherever the model is offered. */
export const FER_NOTE = 'The classifier was trained on FER2013, a research data set of posed and spontaneous faces; a facial expression is not a readout of what someone feels.';
