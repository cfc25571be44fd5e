/**
 * A tiny raw `node:http` server on 127.0.0.1 that misbehaves on command: each
 * request is answered by the next scripted fault (reset, hang, status, raw
 * body). It is a fault generator for the client's transport code, not a
 * Dokploy double; the simulator plays Dokploy in the contract tests.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What the server saw, for assertions on the wire format. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** One scripted answer. */
export type Fault =
  | { kind: "json"; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: "raw"; status?: number; body: string; headers?: Record<string, string> }
  /** Destroys the socket after reading the request: the request reached the server. */
  | { kind: "reset" }
  /** Never answers (until the server closes). */
  | { kind: "hang" }
  /** Sends the headers and half a JSON body, then stalls. */
  | { kind: "stall-body" }
  /** Answers after `ms` (to hold requests in flight at once). */
  | { kind: "slow"; ms: number; body: unknown };

/** A running fault server. */
export interface FaultServer {
  url: string;
  seen: SeenRequest[];
  /** Scripts the next answers, in order; when the script is empty, `fallback` answers. */
  script(...faults: Fault[]): void;
  fallback: Fault;
  /** TCP connections accepted so far (keep-alive reuse keeps this low). */
  readonly connections: number;
  /** Most requests the server held open at once. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** Starts a fault server on an ephemeral loopback port. */
export async function startFaultServer(fallback: Fault = { kind: "json", body: [] }): Promise<FaultServer> {
  const queue: Fault[] = [];
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const state = { fallback, connections: 0, inFlight: 0, maxInFlight: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    res.on("close", () => (state.inFlight -= 1));
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const fault = queue.shift() ?? state.fallback;
      switch (fault.kind) {
        case "reset":
          req.socket.destroy();
          return;
        case "hang":
          return;
        case "slow":
          setTimeout(() => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify(fault.body));
          }, fault.ms);
          return;
        case "stall-body":
          res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
          res.write('[{"projectId":');
          return;
        case "json":
          res.writeHead(fault.status ?? 200, { "content-type": "application/json", ...fault.headers });
          res.end(JSON.stringify(fault.body));
          return;
        case "raw":
          res.writeHead(fault.status ?? 200, { "content-type": "text/html", ...fault.headers });
          res.end(fault.body);
          return;
      }
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    state.connections += 1;
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    script: (...faults) => queue.push(...faults),
    get connections() {
      return state.connections;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(f: Fault) {
      state.fallback = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
