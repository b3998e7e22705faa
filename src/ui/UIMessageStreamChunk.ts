import type { RunStatus } from '../events/types';
import type { ResponseStatus } from '../responses/types';

/**
 * The chunks of the AI SDK's UI message stream (protocol v1: what `useChat`, `readUIMessageStream`
 * and assistant-ui consume), as `toUIMessageStream()` writes them. Typed here, not imported, so
 * that the library does not depend on the `ai` package: every member is assignable to its
 * `UIMessageChunk` (checked by the tests against `ai@6`).
 */

/** A JSON value, as the protocol's metadata fields hold. */
export type UIJSONValue = null | string | number | boolean | UIJSONValue[] | { [key: string]: UIJSONValue };

/** Provider metadata of a part: `{ openai: { fileId } }` on the file citations this library writes. */
export type UIProviderMetadata = Record<string, Record<string, UIJSONValue>>;

/** Why the message ended, in the protocol's words. */
export type UIFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';

/**
 * The data of the custom `data-run-status` part: the status of the Assistants run (with its thread)
 * or of one response of a chain. One part per run or response id, updated in place by the reader.
 */
export type RunStatusData =
  | { status: RunStatus; runId: string; threadId: string }
  | { status: ResponseStatus; responseId: string };

/** One chunk of a UI message stream. */
export type UIMessageStreamChunk =
  | { type: 'start'; messageId?: string }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | { type: 'reasoning-end'; id: string }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string; providerExecuted?: boolean }
  | { type: 'tool-input-delta'; toolCallId: string; inputTextDelta: string }
  | {
      type: 'tool-input-available';
      toolCallId: string;
      toolName: string;
      input: unknown;
      providerExecuted?: boolean;
    }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown; providerExecuted?: boolean }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string; providerExecuted?: boolean }
  | { type: 'source-url'; sourceId: string; url: string; title?: string }
  | {
      type: 'source-document';
      sourceId: string;
      mediaType: string;
      title: string;
      filename?: string;
      providerMetadata?: UIProviderMetadata;
    }
  | { type: 'file'; url: string; mediaType: string }
  | { type: 'data-run-status'; id: string; data: RunStatusData }
  | { type: 'data-image-file'; id: string; data: { fileId: string } }
  | { type: 'error'; errorText: string }
  | { type: 'finish'; finishReason: UIFinishReason }
  | { type: 'abort'; reason: string };

/** The member of {@link UIMessageStreamChunk} with this `type`. */
export type UIMessageStreamChunkOf<T extends UIMessageStreamChunk['type']> = Extract<
  UIMessageStreamChunk,
  { type: T }
>;
