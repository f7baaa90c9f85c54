// Image attachments: the file picker and paste both end here. The type and size are checked
// before the file is even read, so a 40 MB photo is refused at once, not after a long upload.

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** null when the file may be attached, else one sentence saying why not. */
export function imageProblem(file) {
  if (!IMAGE_TYPES.includes(file.type)) {
    return `${file.name || 'This file'} is ${file.type ? `a ${file.type} file` : 'not an image'}: attach a PNG, JPEG, GIF or WebP image.`;
  }
  if (file.size > MAX_IMAGE_BYTES) {
    return `${file.name || 'This image'} is ${(file.size / (1024 * 1024)).toFixed(1)} MB: the limit is 5 MB.`;
  }
  return null;
}

/** Reads an accepted file as a data: URL attachment. */
export function readImage(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({ name: file.name || `pasted.${file.type.split('/')[1]}`, type: file.type, size: file.size, dataUrl: String(reader.result) });
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/**
 * Reads the files that may be attached, in order; says why of each that may not.
 * @param {File[]} files
 * @returns {Promise<{ images: object[], problems: string[] }>}
 */
export async function readImages(files) {
  const images = [];
  const problems = [];
  for (const file of files) {
    const problem = imageProblem(file);
    if (problem) { problems.push(problem); continue; }
    try {
      images.push(await readImage(file));
    } catch (err) {
      problems.push(`${file.name}: ${err.message}`);
    }
  }
  return { images, problems };
}

/** The image files of a paste, if any. */
export function pastedFiles(event) {
  const items = [...(event.clipboardData?.items ?? [])];
  return items.filter((i) => i.kind === 'file').map((i) => i.getAsFile()).filter(Boolean);
}

/** The files of a drop (or a drag's DataTransfer), if any. */
export function droppedFiles(event) {
  return [...(event.dataTransfer?.files ?? [])];
}

/**
 * Drag and drop onto `target` (the composer): files dragged over it mark it (data-drop="on"),
 * dropped ones go to `onFiles`, checked there like the file picker's. Text drops are left to
 * the browser (into the text box).
 * @param {HTMLElement} target
 * @param {(files: File[]) => void} onFiles
 */
export function acceptDrops(target, onFiles) {
  const carriesFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  const mark = (on) => { if (on) target.dataset.drop = 'on'; else delete target.dataset.drop; };
  target.addEventListener('dragover', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    mark(true);
  });
  target.addEventListener('dragleave', (e) => { if (!target.contains(/** @type {Node | null} */ (e.relatedTarget))) mark(false); });
  target.addEventListener('drop', (e) => {
    mark(false);
    const files = droppedFiles(e);
    if (!files.length) return;
    e.preventDefault();
    onFiles(files);
  });
}
