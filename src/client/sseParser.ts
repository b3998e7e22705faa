/**
 * An incremental Server-Sent Events parser (the WHATWG `text/event-stream` rules) reduced to what
 * the library reads: each event's type and data. Lines end with LF, CRLF or CR; `data:` lines are
 * joined with LF; `event:` names the event; comments, `id:`, `retry:` and unknown fields are
 * skipped; a blank line dispatches the event when it had a `data` line. Internal; what
 * `eventsource-parser` gave the library, in a quarter of its size and without an object per event
 * (test/client/sseParser.test.ts holds the two to the same events under any chunking).
 *
 * @param onEvent Called per dispatched event, synchronously, from within `feed`.
 * @param maxBuffer Most characters held at once (an unfinished line plus the event's data);
 *   `onTooBig` is called once when a feed holds more.
 * @returns `feed(text)`: the next decoded text of the body.
 */
export function sseParser(
  onEvent: (event: string | undefined, data: string) => void,
  maxBuffer: number,
  onTooBig: () => void,
): (text: string) => void {
  // The text after the last line end, in pieces: a long line may come in many chunks, and joining
  // them on each would copy it again each time.
  const pending: string[] = [];
  let pendingLength = 0;
  let event: string | undefined;
  let data = '';
  let dataLines = 0;

  const line = (text: string, start: number, end: number): void => {
    if (start === end) {
      if (dataLines > 0) onEvent(event, data);
      event = undefined;
      data = '';
      dataLines = 0;
      return;
    }
    // Only `data` and `event` matter; comments, `id`, `retry` and unknown fields are skipped.
    const value = fieldValue(text, start, end, 'data');
    if (value !== undefined) {
      data = dataLines === 0 ? value : `${data}\n${value}`;
      dataLines++;
      return;
    }
    const name = fieldValue(text, start, end, 'event');
    if (name !== undefined) event = name === '' ? undefined : name;
  };

  return (chunk) => {
    let text = chunk;
    if (pending.length > 0) {
      pending.push(chunk);
      pendingLength += chunk.length;
      if (chunk.indexOf('\n') < 0 && chunk.indexOf('\r') < 0) {
        if (pendingLength + data.length > maxBuffer) onTooBig();
        return;
      }
      text = pending.join('');
      pending.length = 0;
      pendingLength = 0;
    }
    let start = 0;
    // The next CR at or after `start` (-1: none), looked up again only once passed.
    let cr = text.indexOf('\r');
    for (;;) {
      let end = text.indexOf('\n', start);
      let next = end + 1;
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
      if (cr >= 0 && (end < 0 || cr < end)) {
        // A CR ends the line; a CR last in the text may be the first half of a CRLF: wait.
        if (cr === text.length - 1) end = -1;
        else {
          end = cr;
          next = text.charCodeAt(cr + 1) === 0x0a ? cr + 2 : cr + 1;
        }
      }
      if (end < 0) break;
      line(text, start, end);
      start = next;
    }
    if (start < text.length) {
      pending.push(text.slice(start));
      pendingLength = text.length - start;
    }
    if (pendingLength + data.length > maxBuffer) onTooBig();
  };
}

/**
 * The value of the line at `start…end` when its field is `field` (`field: value`, `field:value`, or
 * `field` alone), else `undefined`. Compares characters: no string is made for the field's name.
 */
function fieldValue(text: string, start: number, end: number, field: string): string | undefined {
  const colon = start + field.length;
  if (colon > end) return undefined;
  for (let i = 0; i < field.length; i++) {
    if (text.charCodeAt(start + i) !== field.charCodeAt(i)) return undefined;
  }
  if (colon === end) return '';
  if (text.charCodeAt(colon) !== 0x3a) return undefined;
  return text.slice(text.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1, end);
}
