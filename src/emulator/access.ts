import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './http';

// Who may talk to the emulator. It holds whatever a developer sends it and has no real
// authentication, so by default only local programs may: a request must name a loopback host (a
// page that rebinds its own domain to 127.0.0.1 still sends that domain as Host), and a browser's
// cross-origin request (it carries Origin) is refused unless CORS was asked for.

/** Host names every emulator answers to, whatever the port. */
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

const METHODS = 'GET, POST, DELETE, OPTIONS';
const EXPOSED = 'openai-poll-after-ms, retry-after, retry-after-ms, x-request-id';

/** What {@link createAccessPolicy} decides from the options. */
export interface AccessPolicy {
  /** Throws a 403 unless the request's `Host` names an allowed host (a request without one passes). */
  checkHost(headers: IncomingHttpHeaders): void;
  /**
   * The CORS headers of an answer to this request: none without `Origin`; throws a 403 when the
   * origin is not allowed (CORS off, or not in the list).
   */
  corsHeaders(headers: IncomingHttpHeaders): Record<string, string>;
  /** The headers of an allowed preflight's 204 (the requested headers are allowed). */
  preflightHeaders(headers: IncomingHttpHeaders): Record<string, string>;
}

/**
 * Builds the policy for `startEmulator`'s `cors`, `allowedHosts` and bound `host`. Throws a
 * `TypeError` for a malformed option.
 */
export function createAccessPolicy(cors: unknown, allowedHosts: unknown, boundHost: string): AccessPolicy {
  const origins = corsOrigins(cors);
  const hosts = hostNames(allowedHosts, boundHost);

  const corsHeaders = (headers: IncomingHttpHeaders): Record<string, string> => {
    const origin = headers.origin;
    if (origin === undefined) return {};
    if (origins === 'any')
      return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED };
    if (!origins.has(origin.toLowerCase()))
      throw new ApiError(
        403,
        origins.size === 0
          ? `Requests from web pages (Origin '${origin}') are refused: CORS is off. Start the emulator with cors: true or the allowed origins (--cors on the command line).`
          : `Origin '${origin}' is not allowed by the emulator's cors option.`,
        { code: 'cors_not_allowed' },
      );
    return {
      'access-control-allow-origin': origin,
      'access-control-expose-headers': EXPOSED,
      vary: 'Origin',
    };
  };

  return {
    checkHost: (headers) => {
      if (hosts === 'any' || headers.host === undefined) return;
      const name = hostName(headers.host);
      if (!hosts.has(name))
        throw new ApiError(
          403,
          `Host '${headers.host}' is not allowed. The emulator answers loopback names (127.0.0.1, localhost, [::1]) and its allowedHosts (--allowed-host on the command line).`,
          { code: 'host_not_allowed' },
        );
    },
    corsHeaders,
    preflightHeaders: (headers) => {
      const asked = headers['access-control-request-headers'];
      return {
        ...corsHeaders(headers),
        'access-control-allow-methods': METHODS,
        // `*` does not cover Authorization, so the asked-for headers are named back.
        'access-control-allow-headers': typeof asked === 'string' ? asked : '*',
        'access-control-max-age': '600',
      };
    },
  };
}

/** The host name of a `Host` header, lower-cased, without its port: `[::1]:4010` → `[::1]`. */
function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    return end < 0 ? lower : lower.slice(0, end + 1);
  }
  const colon = lower.indexOf(':');
  return colon < 0 ? lower : lower.slice(0, colon);
}

function hostNames(allowedHosts: unknown, boundHost: string): ReadonlySet<string> | 'any' {
  const extra = allowedHosts ?? [];
  if (!Array.isArray(extra) || extra.some((h) => typeof h !== 'string' || h.trim() === ''))
    throw new TypeError(
      "startEmulator: 'allowedHosts' must be an array of host names, e.g. ['emulator.internal'] (or ['*'] for any).",
    );
  if (extra.includes('*')) return 'any';
  return new Set([...LOOPBACK, boundHost, ...extra].map((h: string) => hostName(bracketed(h))));
}

/** An IPv6 address as a Host header names it, in brackets: `::1` → `[::1]`. */
const bracketed = (host: string): string =>
  host.indexOf(':') !== host.lastIndexOf(':') && !host.startsWith('[') ? `[${host}]` : host;

function corsOrigins(cors: unknown): ReadonlySet<string> | 'any' {
  if (cors === undefined || cors === false) return new Set();
  if (cors === true || cors === '*') return 'any';
  const list: unknown[] = typeof cors === 'string' ? [cors] : Array.isArray(cors) ? cors : [undefined];
  if (list.includes('*')) return 'any';
  return new Set(
    list.map((origin) => {
      if (typeof origin !== 'string' || !isOrigin(origin))
        throw new TypeError(
          `startEmulator: 'cors' must be true, false, or origins such as 'http://localhost:5173' (scheme, host and port, no path), got ${JSON.stringify(origin)}.`,
        );
      return origin.toLowerCase();
    }),
  );
}

const isOrigin = (text: string): boolean => {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text.toLowerCase();
  } catch {
    return false;
  }
};
