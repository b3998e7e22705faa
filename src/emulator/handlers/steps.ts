import type { Handler } from '../app';
import { paginate } from '../paginate';

// `include[]` (file_search result content) is accepted; the emulator has no file_search results to add.

/** `GET /threads/{thread_id}/runs/{run_id}/steps` */
export const listSteps: Handler = ({ ids: [threadId = '', runId = ''], query }, { store }) => ({
  body: paginate(store.run(threadId, runId).steps, query),
});

/** `GET /threads/{thread_id}/runs/{run_id}/steps/{step_id}` */
export const retrieveStep: Handler = ({ ids: [threadId = '', runId = '', stepId = ''] }, { store }) => ({
  body: store.step(threadId, runId, stepId),
});
