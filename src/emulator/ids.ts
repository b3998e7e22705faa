import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new id shaped like the service's: the prefix, `_`, and 24 letters or digits (`run_oyfV44Cr…`). */
export function newId(
  prefix: 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call' | 'req' | 'resp' | 'fc' | 'conv' | 'ci' | 'fs',
): string {
  let id = `${prefix}_`;
  for (const byte of randomBytes(24)) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
