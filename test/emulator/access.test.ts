import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator';
import { emulatorPerTest } from '../helpers/emulators';

// Who may talk to the emulator. By default only clients that address it by a loopback name (the
// Host header: a DNS-rebinding page names its own domain) and that are not a web page of another
// origin; CORS for browsers only when asked for.

const startEmulator = emulatorPerTest();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

/** A raw request with any Host and Origin (fetch does not let a caller set Host). */
function send(
  emulator: Emulator,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: emulator.port, method, path: `/v1${path}`, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: (res.headers['content-type'] ?? '').startsWith('application/json')
              ? JSON.parse(text)
              : text,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const refused = (code: string) => ({
  error: { message: expect.any(String), type: 'invalid_request_error', param: null, code },
});

describe('Host header (DNS rebinding)', () => {
  it('answers loopback names with any port, and refuses any other host with a 403', async () => {
    const emulator = await startEmulator();
    for (const host of ['127.0.0.1', `127.0.0.1:${emulator.port}`, 'localhost:4010', 'LOCALHOST', '[::1]:9'])
      expect([host, (await send(emulator, 'GET', '/assistants', { host })).status]).toEqual([host, 200]);
    for (const host of [
      'evil.example',
      `evil.example:${emulator.port}`,
      'localhost.evil.example',
      '127.0.0.2',
    ]) {
      const answer = await send(emulator, 'GET', '/assistants', { host });
      expect([host, answer.status, answer.json]).toEqual([host, 403, refused('host_not_allowed')]);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
    // a refused create changes nothing
    const create = await send(
      emulator,
      'POST',
      '/assistants',
      { host: 'evil.example' },
      '{"model":"gpt-4o"}',
    );
    expect(create.status).toBe(403);
    const list = await send(emulator, 'GET', '/assistants', { host: 'localhost' });
    expect(list.json).toMatchObject({ data: [] });
    expect(emulator.requests.map((r) => r.status)).toContain(403);
  });

  it('allows the hosts of allowedHosts, and any host with "*"', async () => {
    const emulator = await startEmulator({ allowedHosts: ['emulator.internal', 'Box.Local'] });
    expect((await send(emulator, 'GET', '/assistants', { host: 'emulator.internal:4010' })).status).toBe(200);
    expect((await send(emulator, 'GET', '/assistants', { host: 'box.local' })).status).toBe(200);
    expect((await send(emulator, 'GET', '/assistants', { host: 'localhost' })).status).toBe(200);
    expect((await send(emulator, 'GET', '/assistants', { host: 'evil.example' })).status).toBe(403);
    const open = await startEmulator({ allowedHosts: ['*'] });
    expect((await send(open, 'GET', '/assistants', { host: 'evil.example' })).status).toBe(200);
  });

  it('refuses a malformed allowedHosts at startEmulator', async () => {
    await expect(startEmulator({ allowedHosts: 'localhost' as unknown as string[] })).rejects.toThrow(
      /allowedHosts/,
    );
    await expect(startEmulator({ allowedHosts: [''] })).rejects.toThrow(/allowedHosts/);
  });
});

describe('CORS', () => {
  it('is off by default: no CORS headers, and web pages of other origins are refused', async () => {
    const emulator = await startEmulator();
    const plain = await send(emulator, 'GET', '/assistants');
    expect(plain.status).toBe(200);
    expect(Object.keys(plain.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const preflight = await send(emulator, 'OPTIONS', '/threads', {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    });
    expect([preflight.status, preflight.json]).toEqual([403, refused('cors_not_allowed')]);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
    // a "simple" cross-origin POST (no preflight) does not create anything either
    const simple = await send(
      emulator,
      'POST',
      '/assistants',
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
      '{"model":"gpt-4o"}',
    );
    expect([simple.status, simple.json]).toEqual([403, refused('cors_not_allowed')]);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    expect((await send(emulator, 'GET', '/assistants')).json).toMatchObject({ data: [] });
  });

  it('cors: true allows every origin', async () => {
    const emulator = await startEmulator({ cors: true, pollAfterMs: 1 });
    const preflight = await send(emulator, 'OPTIONS', '/threads/runs', {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-headers']).toBe('authorization,content-type');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    const answer = await send(emulator, 'GET', '/assistants', { origin: 'https://anywhere.example' });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-expose-headers']).toContain('openai-poll-after-ms');
  });

  it('cors with origins allows those only, naming the origin and varying on it', async () => {
    const emulator = await startEmulator({ cors: ['http://localhost:5173', 'https://app.example'] });
    for (const origin of ['http://localhost:5173', 'https://app.example']) {
      const answer = await send(emulator, 'GET', '/assistants', { origin });
      expect([answer.status, answer.headers['access-control-allow-origin']]).toEqual([200, origin]);
      expect(answer.headers['vary']).toMatch(/origin/i);
    }
    const other = await send(emulator, 'OPTIONS', '/assistants', {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'GET',
    });
    expect([other.status, other.headers['access-control-allow-origin']]).toEqual([403, undefined]);
    const single = await startEmulator({ cors: 'http://localhost:5173' });
    expect((await send(single, 'GET', '/assistants', { origin: 'http://localhost:5173' })).status).toBe(200);
    expect((await send(single, 'GET', '/assistants', { origin: 'http://127.0.0.1:5173' })).status).toBe(403);
  });

  it('refuses a malformed cors option at startEmulator', async () => {
    await expect(startEmulator({ cors: 'localhost:5173' })).rejects.toThrow(/cors/);
    await expect(startEmulator({ cors: [42] as unknown as string[] })).rejects.toThrow(/cors/);
  });
});
