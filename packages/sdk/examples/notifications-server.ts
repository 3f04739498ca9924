import { createServer, type Server } from 'node:http';
import { NotificationVerificationError, verifyNotification, type ImojeNotification } from '../src/index.js';

/**
 * A notification (webhook) endpoint in a plain Node HTTP server. Answer 2xx only once the notification is
 * handled: anything else makes imoje/Kartoteka retry. Delivery is at-least-once, so `handle` must ignore a
 * repeat of a notification it has already applied.
 */
export function notificationServer(
  serviceKey: string,
  handle: (notification: ImojeNotification) => Promise<void>,
): Server {
  return createServer(async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    // Keep the raw bytes: the signature covers them exactly, so never parse and re-serialise first.
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    let notification: ImojeNotification;
    try {
      notification = await verifyNotification(rawBody, req.headers['x-imoje-signature'], serviceKey);
    } catch (err) {
      if (!(err instanceof NotificationVerificationError)) throw err;
      // err.message names the likely mistake (wrong key, parsed body, …): log it, act on nothing.
      res.writeHead(400, { 'content-type': 'text/plain' }).end(err.message);
      return;
    }
    try {
      await handle(notification);
    } catch {
      res.writeHead(500).end(); // retried later by the gateway
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
}
