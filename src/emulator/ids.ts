import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 24;

// Random bytes are drawn 256 ids at a time: one `randomBytes` call costs about 10 µs whatever its
// size, which made a create with tens of thousands of input items (an id each) spend most of its
// time there.
const POOL_BYTES = ID_LENGTH * 256;
let pool = Buffer.alloc(0);
let used = 0;

/** A new id shaped like the service's: the prefix, `_`, and 24 letters or digits (`run_oyfV44Cr…`). */
export function newId(
  prefix: 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call' | 'req' | 'resp' | 'fc' | 'conv' | 'ci' | 'fs',
): string {
  if (used + ID_LENGTH > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  let id = `${prefix}_`;
  for (let i = used; i < used + ID_LENGTH; i++) id += ALPHABET[(pool[i] ?? 0) % ALPHABET.length];
  used += ID_LENGTH;
  return id;
}
