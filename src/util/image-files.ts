// The one list of image file extensions: what a folder of photos (`predict dir/`) and a folder data
// set (`train --data dir/`) take from a folder. Files named explicitly are read whatever their name.

/** Extensions taken from folders (lower case, with the dot): what sharp and vision/bmp.ts decode. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp', '.dib']);
