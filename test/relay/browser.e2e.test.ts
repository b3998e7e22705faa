import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RelayServer, startRelayServer } from '../../examples/relay/server';
import { getWeather } from '../../examples/relay/weather';
import { launchChromium } from '../helpers/chromium';
import { readFixture } from '../helpers/fixtures';
import { browserTestBrain, FAIL_MESSAGE, HOLD_TEXT, STALL_NEVER, STALL_TEXT } from './browserBrain';

/**
 * The relay example end to end: `examples/relay/server.ts` in-process with its own emulator, and
 * its page in a real Chromium driven by playwright-core. Runs are put mid-run by the test brain's
 * markers (`browserBrain.ts`), never by waiting for the clock. Screenshots go to
 * `test-results/relay-browser/` (gitignored), as artifacts.
 */

const ARTIFACTS = fileURLToPath(new URL('../../test-results/relay-browser/', import.meta.url));
const WAIT = { timeout: 10_000, interval: 25 };

describe('relay example in Chromium', () => {
  const gate = browserTestBrain();
  const serverLog: string[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let server: RelayServer;
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startRelayServer({
      emulator: { latencyMs: 20, brain: gate.brain },
      log: (line) => serverLog.push(line),
      // Long enough to press Stop while the tool runs on the server.
      toolDelayMs: 1_500,
    });
    browser = await launchChromium();
  }, 30_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    gate.release();
    await browser?.close();
    await server?.close();
  }, 30_000);

  /** A new browser (own cookies and storage) on the page, ready. */
  async function openPage(url = server.url): Promise<{ context: BrowserContext; page: Page }> {
    if (browser === undefined) throw new Error('Chromium did not start (see beforeAll).');
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url);
    await page.locator('body[data-ready="true"]').waitFor();
    return { context, page };
  }

  async function send(page: Page, text: string): Promise<Locator> {
    const before = await page.getByTestId('run').count();
    await page.getByTestId('input').fill(text);
    await page.getByTestId('send').click();
    await expect.poll(() => page.getByTestId('run').count(), WAIT).toBe(before + 1);
    return page.getByTestId('run').last();
  }

  const statusOf = (run: Locator) => run.getByTestId('run-status').getAttribute('data-status');
  const textOf = (run: Locator) => run.getByTestId('message-text').last().textContent();
  const runIdOf = async (run: Locator) => (await run.getByTestId('run-id').textContent()) ?? '';
  const emulatorRun = (runId: string) => server.emulator?.runs().find((run) => run.id === runId);
  const requestsFor = (runId: string, endpoint: string) =>
    server.emulator?.requests.filter((r) => r.endpoint === endpoint && r.path.includes(runId)).length ?? 0;
  const savedRunId = (page: Page) => page.evaluate<string | null>("sessionStorage.getItem('relay.runId')");
  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });

  it('streams a reply into the page and shows the run completed', async () => {
    const { page } = await openPage();
    // Records every text the last message shows, to see it grow.
    await page.evaluate(`(() => {
      const seen = (window.__seen = []);
      new MutationObserver(() => {
        const texts = document.querySelectorAll('[data-testid="message-text"]');
        const text = texts.length ? texts[texts.length - 1].textContent : '';
        if (text && text !== seen[seen.length - 1]) seen.push(text);
      }).observe(document.getElementById('runs'), { subtree: true, childList: true, characterData: true });
    })()`);
    const message =
      'Hello relay, please repeat this sentence back to me word by word so that we can watch the answer stream in.';
    const run = await send(page, message);

    await expect.poll(() => statusOf(run), WAIT).toBe('completed');
    const expected = `You said: "${message}"`;
    expect(await textOf(run)).toBe(expected);
    expect(await run.getByTestId('user-text').textContent()).toBe(message);
    const seen = await page.evaluate<string[]>('window.__seen');
    // Each delta was rendered as it came (about 20 word-sized ones, 20 ms apart).
    expect(seen.length).toBeGreaterThan(1);
    for (const text of seen) expect(expected.startsWith(text)).toBe(true);
    expect(seen.at(-1)).toBe(expected);

    const runId = await runIdOf(run);
    expect(runId).toMatch(/^run_/);
    expect(emulatorRun(runId)?.status).toBe('completed');
    expect(await page.getByTestId('thread-id').textContent()).toBe(emulatorRun(runId)?.thread_id);
    expect(await savedRunId(page)).toBeNull();
    expect(await page.getByTestId('send').isEnabled()).toBe(true);
    await screenshot(page, '01-streamed');
  }, 20_000);

  it('runs get_weather on the server and shows the call with its arguments and output', async () => {
    const { page } = await openPage();
    const run = await send(page, 'What is the weather in Paris? get_weather {"city": "Paris"}');

    await expect.poll(() => statusOf(run), WAIT).toBe('completed');
    const output = JSON.stringify(getWeather({ city: 'Paris' }));
    const call = run.getByTestId('tool-call');
    expect(await call.getByTestId('tool-name').textContent()).toBe('get_weather');
    expect(await call.getByTestId('tool-arguments').textContent()).toBe('{"city":"Paris"}');
    expect(await call.getByTestId('tool-output').textContent()).toBe(output);
    expect(await textOf(run)).toBe(`get_weather returned: ${output}`);
    const runId = await runIdOf(run);
    expect(requestsFor(runId, 'runs.submitToolOutputs')).toBe(1);
    await screenshot(page, '02-tool-call');
  }, 20_000);

  it('Stop cancels the run on the server, and the thread takes a new message after', async () => {
    const { page } = await openPage();
    const run = await send(page, '[stall] Tell me a very long story.');
    await expect.poll(() => textOf(run), WAIT).toBe(STALL_TEXT);
    expect(await statusOf(run)).toBe('in_progress');
    const runId = await runIdOf(run);
    expect(await savedRunId(page)).toBe(runId);
    await screenshot(page, '03-before-stop');

    await page.getByTestId('stop').click();
    await expect.poll(() => statusOf(run), WAIT).toBe('cancelled');
    expect(emulatorRun(runId)?.status).toBe('cancelled');
    expect(requestsFor(runId, 'runs.cancel')).toBe(1);
    expect(await run.textContent()).not.toContain(STALL_NEVER);
    expect(await savedRunId(page)).toBeNull();
    await screenshot(page, '04-stopped');

    const next = await send(page, 'Are you still there?');
    await expect.poll(() => statusOf(next), WAIT).toBe('completed');
    expect(await textOf(next)).toBe('You said: "Are you still there?"');
    expect(emulatorRun(await runIdOf(next))?.thread_id).toBe(emulatorRun(runId)?.thread_id);
  }, 20_000);

  it('Stop while get_weather runs on the server ends the run cancelled, without an error', async () => {
    const { page } = await openPage();
    const run = await send(page, 'Weather in Oslo? get_weather {"city": "Oslo"}');
    await expect.poll(() => statusOf(run), WAIT).toBe('requires_action');
    const runId = await runIdOf(run);

    await page.getByTestId('stop').click();
    await expect.poll(() => statusOf(run), WAIT).toBe('cancelled');
    expect(emulatorRun(runId)?.status).toBe('cancelled');
    expect(await run.getByTestId('run-error').textContent()).toBe('');
    // The tool finished after the Stop: its outputs were refused, and the run's end was shown instead.
    await expect.poll(() => requestsFor(runId, 'runs.submitToolOutputs'), WAIT).toBe(1);
    await screenshot(page, '05-stopped-during-tool');

    const next = await send(page, 'Are you still there?');
    await expect.poll(() => statusOf(next), WAIT).toBe('completed');
  }, 20_000);

  it('re-attaches to the run after a reload and follows it to the end', async () => {
    const { page } = await openPage();
    const run = await send(page, '[hold] And in Oslo? get_weather {"city": "Oslo"}');
    const output = JSON.stringify(getWeather({ city: 'Oslo' }));
    // The run is now waiting (on the gate) after its tool call, with a message and a tool step to show.
    await expect.poll(() => run.getByTestId('tool-output').textContent(), WAIT).toBe(output);
    await expect.poll(() => statusOf(run), WAIT).toBe('in_progress');
    const runId = await runIdOf(run);
    expect(await savedRunId(page)).toBe(runId);
    expect(requestsFor(runId, 'runs.retrieve')).toBe(0);

    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    const reattached = page.getByTestId('run').last();
    expect(await page.getByTestId('run').count()).toBe(1);
    expect(await reattached.locator('header').textContent()).toContain('Re-attached');
    await expect.poll(() => runIdOf(reattached), WAIT).toBe(runId);
    await expect.poll(() => statusOf(reattached), WAIT).toBe('in_progress');
    await expect
      .poll(() => reattached.getByTestId('message-text').first().textContent(), WAIT)
      .toBe(HOLD_TEXT);
    expect(await reattached.getByTestId('tool-output').textContent()).toBe(output);
    // Re-attached by polling (watchRun), and the reload cancelled nothing.
    expect(requestsFor(runId, 'runs.retrieve')).toBeGreaterThan(0);
    expect(requestsFor(runId, 'runs.cancel')).toBe(0);
    await screenshot(page, '05-reattached');

    gate.release();
    await expect.poll(() => statusOf(reattached), WAIT).toBe('completed');
    expect(await textOf(reattached)).toBe(`get_weather returned: ${output}`);
    expect(emulatorRun(runId)?.status).toBe('completed');
    expect(await savedRunId(page)).toBeNull();
    await screenshot(page, '06-reattached-completed');
  }, 20_000);

  it('re-attaches by itself when the connection drops mid-run, and follows the run to the end', async () => {
    // Its own server, which drops every event stream after 600 ms as a proxy with a response
    // timeout would, while the run streams for about 2 s.
    const cutting = await startRelayServer({
      emulator: { latencyMs: 25 },
      maxStreamMs: 600,
      log: (line) => serverLog.push(line),
    });
    try {
      const { page } = await openPage(cutting.url);
      const words = Array.from({ length: 70 }, (_, i) => `word${i}`).join(' ');
      const run = await send(page, words);
      await expect.poll(() => run.getByTestId('run-notice').textContent(), WAIT).toMatch(/^Connection lost/);
      await screenshot(page, '06-connection-lost');
      await expect.poll(() => statusOf(run), WAIT).toBe('completed');
      expect(await textOf(run)).toBe(`You said: "${words}"`);
      expect(await run.getByTestId('run-notice').textContent()).toBe('');
      expect(await run.getByTestId('run-error').textContent()).toBe('');
      // One card, one message: the re-attached streams filled in the same one.
      expect(await run.getByTestId('message').count()).toBe(1);
      const runId = await runIdOf(run);
      expect(cutting.emulator?.runs().find((r) => r.id === runId)?.status).toBe('completed');
      expect(cutting.emulator?.requests.filter((r) => r.endpoint === 'runs.cancel')).toEqual([]);
    } finally {
      await cutting.close();
    }
  }, 30_000);

  it('does not let another browser read or use a thread it did not create (404)', async () => {
    const a = await openPage();
    const run = await send(a.page, 'A secret for browser A only.');
    await expect.poll(() => statusOf(run), WAIT).toBe('completed');
    const threadId = (await a.page.getByTestId('thread-id').textContent()) ?? '';
    const runId = await runIdOf(run);
    const events = `${server.url}api/threads/${threadId}/runs/${runId}/events`;
    const session = (await a.context.cookies()).find((cookie) => cookie.name === 'relay_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await a.page.evaluate('document.cookie')).toBe('');

    const own = await a.page.request.get(events);
    expect(own.status()).toBe(200);
    expect(await own.text()).toContain('A secret for browser A only.');

    const b = await openPage();
    const bThread = await b.page.request.post(`${server.url}api/threads`);
    expect(bThread.status()).toBe(201);
    const denied = [
      await b.page.request.get(events),
      await b.page.request.post(`${server.url}api/threads/${threadId}/messages`, { data: { text: 'hi' } }),
      await b.page.request.post(`${server.url}api/threads/${threadId}/runs/${runId}/cancel`),
    ];
    expect(denied.map((answer) => answer.status())).toEqual([404, 404, 404]);
    for (const answer of denied) expect(await answer.text()).not.toContain('secret');
    // B's page with A's ids in its storage re-attaches to nothing and says so.
    await b.page.evaluate(
      `sessionStorage.setItem('relay.threadId', ${JSON.stringify(threadId)}); sessionStorage.setItem('relay.runId', ${JSON.stringify(runId)})`,
    );
    await b.page.reload();
    const attempt = b.page.getByTestId('run').last();
    await expect
      .poll(() => attempt.getByTestId('run-error').textContent(), WAIT)
      .toBe('HTTP 404: No such thread or run.');
    expect(await attempt.textContent()).not.toContain('secret');
    expect(await savedRunId(b.page)).toBeNull();
    await screenshot(b.page, '07-other-browser-404');
  }, 20_000);

  it("shows a failed run's error", async () => {
    const { page } = await openPage();
    const run = await send(page, '[fail] Please fail.');
    await expect.poll(() => statusOf(run), WAIT).toBe('failed');
    expect(await run.getByTestId('run-error').textContent()).toBe(`server_error: ${FAIL_MESSAGE}`);
    await screenshot(page, '08-failed');
  }, 20_000);

  it('renders citations from a real recorded file_search stream', async () => {
    const { page } = await openPage();
    // The emulator writes no citations: answer this one message with real recorded bytes instead.
    const recorded = readFixture('sse', 'dotnet-FileSearchStreamingWorks.03.create_run.sse');
    await page.route(
      '**/api/threads/*/messages',
      (route) => route.fulfill({ status: 200, contentType: 'text/event-stream', body: recorded }),
      { times: 1 },
    );
    const run = await send(page, "What is Filip's favorite food?");
    await expect.poll(() => statusOf(run), WAIT).toBe('completed');
    expect(await textOf(run)).toBe("Filip's favorite food is cake[1].");
    expect(await run.getByTestId('citation').getAttribute('title')).toBe('【4:0†favorite_foods.txt】');
    expect(await run.getByTestId('citation-source').allTextContents()).toEqual([
      'file_citation: file-CyHtsk7XAWdRabQUBYRjCu',
    ]);
    expect(await run.locator('[data-tool-type="file_search"]').count()).toBe(1);
    await screenshot(page, '09-citations');
  }, 20_000);

  it('leaves no run driven by the server and logs no failure', () => {
    expect(server.activeRuns()).toBe(0);
    expect(serverLog).toEqual([]);
  });
});
