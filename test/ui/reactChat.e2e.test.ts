import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ReactChatServer, startReactChatServer } from '../../examples/react-chat/server';
import { getWeather } from '../../examples/react-chat/tools';
import { launchChromium } from '../helpers/chromium';

/**
 * `examples/react-chat` end to end: its server in-process (with its own emulator) and its React
 * page (`useChat` from `@ai-sdk/react`) in a real Chromium driven by playwright-core. Screenshots
 * go to `test-results/react-chat/` (gitignored), as artifacts.
 */

const ARTIFACTS = fileURLToPath(new URL('../../test-results/react-chat/', import.meta.url));
const WAIT = { timeout: 15_000, interval: 25 };

describe('react-chat example in Chromium', () => {
  const serverLog: string[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const servers: ReactChatServer[] = [];
  let server: ReactChatServer;
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startReactChatServer({ emulator: { latencyMs: 20 }, log: (line) => serverLog.push(line) });
    servers.push(server);
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
    expect(serverLog.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((running) => running.close()));
  }, 30_000);

  async function openPage(url = server.url): Promise<Page> {
    if (browser === undefined) throw new Error('Chromium did not start (see beforeAll).');
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url);
    await page.locator('body[data-ready="true"]').waitFor();
    // Records every text the last assistant message shows, to see it grow.
    await page.evaluate(`(() => {
      const seen = (window.__seen = []);
      new MutationObserver(() => {
        const texts = document.querySelectorAll('[data-role="assistant"] [data-testid="text"]');
        const text = texts.length ? texts[texts.length - 1].textContent : '';
        if (text && text !== seen[seen.length - 1]) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    return page;
  }

  /** Sends a message and gives the assistant message it gets. */
  async function send(
    page: Page,
    text: string,
    backend: 'assistants' | 'responses' = 'assistants',
  ): Promise<Locator> {
    await page.getByTestId('backend').selectOption(backend);
    const assistants = page.locator('[data-testid="message"][data-role="assistant"]');
    const before = await assistants.count();
    await page.getByTestId('input').fill(text);
    await page.getByTestId('send').click();
    await expect.poll(() => assistants.count(), WAIT).toBe(before + 1);
    return assistants.last();
  }

  const lastStatus = (message: Locator) =>
    message.getByTestId('run-status').last().getAttribute('data-status');
  const textOf = async (message: Locator) => (await message.getByTestId('text').allTextContents()).join('');
  const grew = (page: Page) => page.evaluate<string[]>('window.__seen');
  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  const forecast = async (city: string) => {
    const { temperature_c, conditions } = await getWeather({ city }, null, {
      signal: new AbortController().signal,
    });
    return `It is ${conditions} and ${temperature_c} °C in ${city}.`;
  };

  it.each(['assistants', 'responses'] as const)(
    'streams the answer of a %s run with the tool card (input and output) and its status',
    async (backend) => {
      const page = await openPage();
      const message = await send(page, 'What is the weather in Oslo today?', backend);
      await expect
        .poll(() => page.getByTestId('chat-status').getAttribute('data-status'), WAIT)
        .toBe('ready');
      const tool = message.getByTestId('tool');
      expect(await tool.getAttribute('data-tool')).toBe('get_weather');
      expect(await tool.getAttribute('data-state')).toBe('output-available');
      expect(JSON.parse((await tool.getByTestId('tool-input').textContent()) ?? '')).toEqual({
        city: 'Oslo',
      });
      expect(JSON.parse((await tool.getByTestId('tool-output').textContent()) ?? '')).toMatchObject({
        city: 'Oslo',
      });
      expect(await textOf(message)).toBe(await forecast('Oslo'));
      expect(await lastStatus(message)).toBe('completed');
      // Streamed: the page showed the answer growing, word by word, not all at once.
      const seen = await grew(page);
      expect(seen.length).toBeGreaterThan(3);
      expect(seen.at(-1)).toBe(await forecast('Oslo'));
      await screenshot(page, `tool-${backend}`);
    },
  );

  it.each(['assistants', 'responses'] as const)(
    'shows the file a %s answer cites as a source',
    async (backend) => {
      const page = await openPage();
      const message = await send(page, 'What do the docs say about sharing a run?', backend);
      await expect.poll(() => lastStatus(message), WAIT).toBe('completed');
      expect(await message.getByTestId('source').allTextContents()).toEqual(['Source: rxjs-guide.md']);
      expect(await message.locator('[data-testid="tool"][data-tool="file_search"]').count()).toBe(1);
      expect(await textOf(message)).toContain('【4:0†rxjs-guide.md】');
    },
  );

  it('Stop mid-run cancels the Assistants run on the server, with exactly one cancel request', async () => {
    const page = await openPage();
    const message = await send(page, 'Tell me a story, please.');
    await expect.poll(async () => (await textOf(message)).length, WAIT).toBeGreaterThan(40);
    const runId = (await message.getByTestId('run-status').last().getAttribute('data-id')) ?? '';
    expect(runId).toMatch(/^run_/);
    await page.getByTestId('stop').click();
    await expect.poll(() => page.getByTestId('chat-status').getAttribute('data-status'), WAIT).toBe('ready');
    const run = () => server.emulator.runs().find((r) => r.id === runId);
    await expect.poll(() => run()?.status, WAIT).toBe('cancelled');
    const cancels = () =>
      server.emulator.requests.filter((r) => r.endpoint === 'runs.cancel' && r.path.includes(runId));
    // Give a second cancel (there must be none) the time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cancels()).toHaveLength(1);
    await message.getByTestId('stopped').waitFor();
    const shown = await textOf(message);
    expect(shown.length).toBeLessThan(3000);
    await screenshot(page, 'stopped');
    // The thread is usable again: the next message gets its answer.
    const next = await send(page, 'Hello again');
    await expect.poll(() => lastStatus(next), WAIT).toBe('completed');
    expect(await textOf(next)).toBe('You said: "Hello again"');
  });

  it('Stop mid-response cancels the response on the server, with exactly one cancel request', async () => {
    const page = await openPage();
    const message = await send(page, 'Tell me a story, please.', 'responses');
    await expect.poll(async () => (await textOf(message)).length, WAIT).toBeGreaterThan(40);
    const responseId = (await message.getByTestId('run-status').last().getAttribute('data-id')) ?? '';
    expect(responseId).toMatch(/^resp_/);
    await page.getByTestId('stop').click();
    await expect
      .poll(() => server.emulator.responses().find((r) => r.id === responseId)?.status, WAIT)
      .toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cancels = server.emulator.requests.filter(
      (r) => r.endpoint === 'responses.cancel' && r.path.includes(responseId),
    );
    expect(cancels).toHaveLength(1);
  });

  it('loses no text when the server’s stream from the backend is cut mid-answer', async () => {
    const cutting = await startReactChatServer({
      emulator: {
        latencyMs: 10,
        faults: {
          rules: [{ type: 'drop', on: ['runs.create', 'responses.create'], stream: true, afterBytes: 2500 }],
        },
      },
      log: (line) => serverLog.push(line),
    });
    servers.push(cutting);
    const page = await openPage(cutting.url);
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    for (const backend of ['assistants', 'responses'] as const) {
      const message = await send(page, `Repeat: ${words}`, backend);
      await expect.poll(() => lastStatus(message), WAIT).toBe('completed');
      expect(await textOf(message)).toBe(`You said: "Repeat: ${words}"`);
    }
    expect(cutting.emulator.requests.filter((r) => r.faults.includes('drop')).length).toBeGreaterThanOrEqual(
      2,
    );
  });
});
