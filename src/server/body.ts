/**
 * Reads a request body with a hard limit, so a large or endless upload costs
 * at most `limit` bytes of memory: a declared Content-Length above the limit
 * is refused before reading, and a streamed body is abandoned as soon as it
 * crosses the limit.
 */
import type { IncomingMessage } from "node:http";

/** Webhook payloads are a few KiB; GitHub caps them at 25 MiB, our pushes need far less. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The body was larger than the limit. */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
}

/** True when the request declares a body larger than `limit`. */
export function declaresTooLarge(req: IncomingMessage, limit: number): boolean {
  const length = Number(req.headers["content-length"] ?? "0");
  return Number.isFinite(length) && length > limit;
}

/** Reads the whole body; rejects with `BodyTooLargeError` past `limit` (and stops reading). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        reject(new BodyTooLargeError(`request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}
