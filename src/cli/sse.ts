/** One server-sent event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface ServerEvent {
  event: string;
  data: string;
  id: string | null;
}

/**
 * Splits a text/event-stream into events as the chunks arrive; comments (heartbeats) and `retry:` are skipped.
 */
export class EventStreamParser {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  push(chunk: Uint8Array): ServerEvent[] {
    this.buffer += this.decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
    const events: ServerEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      let id: string | null = null;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
      }
      if (data.length > 0) events.push({ event, data: data.join('\n'), id });
    }
    return events;
  }
}
