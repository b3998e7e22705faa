import type { UIJSONValue, UIMessageStreamChunkOf } from './UIMessageStreamChunk';

/**
 * Citations as the protocol's sources, for both families: a cited file is a `source-document`
 * (its id as `sourceId`, so each file is listed once per message, and in
 * `providerMetadata.openai.fileId` for a download link), a cited page a `source-url`. Internal.
 */

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  htm: 'text/html',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** The media type a file's name suggests; `application/octet-stream` when it suggests none. */
export function mediaTypeOf(filename: string | undefined): string {
  const dot = filename?.lastIndexOf('.') ?? -1;
  const extension = dot < 0 ? undefined : filename?.slice(dot + 1).toLowerCase();
  return (
    (extension !== undefined && Object.hasOwn(MEDIA_TYPES, extension) && MEDIA_TYPES[extension]) ||
    'application/octet-stream'
  );
}

/** A cited file: titled by its name when known, else by its id. */
export function fileSource(
  fileId: string,
  filename: string | undefined,
  extra: Record<string, UIJSONValue> = {},
): UIMessageStreamChunkOf<'source-document'> {
  return {
    type: 'source-document',
    sourceId: fileId,
    mediaType: mediaTypeOf(filename),
    title: filename ?? fileId,
    ...(filename === undefined ? {} : { filename }),
    providerMetadata: { openai: { fileId, ...extra } },
  };
}

/** A cited web page. */
export function urlSource(url: string, title: string | undefined): UIMessageStreamChunkOf<'source-url'> {
  return { type: 'source-url', sourceId: url, url, ...(title ? { title } : {}) };
}

/** The last segment of a path (`sandbox:/mnt/data/report.csv` → `report.csv`), if any. */
export function baseName(path: string | undefined): string | undefined {
  const name = path?.slice(path.lastIndexOf('/') + 1);
  return name ? name : undefined;
}

/** A string field of an untyped payload, or `undefined`. */
export function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field !== '' ? field : undefined;
}
