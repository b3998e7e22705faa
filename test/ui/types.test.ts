import type { UIMessageChunk } from 'ai';
import type { UIMessageChunk as UIMessageChunk7 } from 'ai-v7';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  RunStatusData,
  UIMessageStreamChunk,
  UIMessageStreamChunkOf,
} from '../../src/ui/UIMessageStreamChunk';

describe('UIMessageStreamChunk', () => {
  it('is assignable to the AI SDK’s UIMessageChunk (ai@6 and ai@7), member by member', () => {
    expectTypeOf<UIMessageStreamChunk>().toExtend<UIMessageChunk>();
    expectTypeOf<UIMessageStreamChunk>().toExtend<UIMessageChunk7>();
    expectTypeOf<UIMessageStreamChunkOf<'data-run-status'>>().toExtend<UIMessageChunk>();
    expectTypeOf<UIMessageStreamChunkOf<'source-document'>>().toExtend<UIMessageChunk>();
    expectTypeOf<UIMessageStreamChunkOf<'finish'>>().toExtend<UIMessageChunk>();
    // A UI message typed with the run-status data part reads it back typed.
    expectTypeOf<
      Extract<UIMessageChunk<unknown, { 'run-status': RunStatusData }>, { type: 'data-run-status' }>['data']
    >().toEqualTypeOf<RunStatusData>();
  });
});
