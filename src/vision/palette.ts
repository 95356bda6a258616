// The colours faces are drawn in, one per face in turn: the same in annotated photos (annotate.ts)
// and on the browser page.

/** Colour-blind-safe colours (Okabe–Ito). */
export const FACE_COLOURS: readonly string[] = ['#D55E00', '#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
