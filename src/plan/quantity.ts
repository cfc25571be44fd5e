/**
 * Resource quantities. Dokploy stores Swarm limits as strings of integers:
 * memory in bytes, CPU in nano-CPUs (packages/server/src/db/schema/application.ts; the UI's own examples in
 * apps/dokploy/components/dashboard/application/advanced/show-resources.tsx:
 * 1 GB = "1073741824", 2 CPUs = "2000000000"). Manifests may use friendlier
 * forms; both sides are normalised to Dokploy's form before diffing.
 */

const MEMORY_UNITS: Record<string, number> = {
  "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** `512Mi` -> "536870912"; a bare integer is bytes. Undefined for null/undefined; throws on garbage. */
export function memoryToBytes(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return String(Math.round(value));
  const m = /^(\d+(?:\.\d+)?)\s*(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(value.trim());
  if (!m) throw new Error(`expected a memory quantity such as 536870912, 512Mi or 1Gi, got "${value}"`);
  return String(Math.round(Number(m[1]) * MEMORY_UNITS[m[2] ?? ""]!));
}

/** `500m` -> "500000000", `2` -> "2000000000" nano-CPUs. */
export function cpuToNano(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return String(Math.round(value * 1e9));
  const text = value.trim();
  const milli = /^(\d+)m$/.exec(text);
  if (milli) return String(Number(milli[1]) * 1e6);
  if (/^\d+(?:\.\d+)?$/.test(text)) return String(Math.round(Number(text) * 1e9));
  throw new Error(`expected CPU as cores (0.5, 2) or millicores (500m), got "${value}"`);
}

const BINARY_UNITS: ReadonlyArray<readonly [string, number]> = [["Ti", 1024 ** 4], ["Gi", 1024 ** 3], ["Mi", 1024 ** 2], ["Ki", 1024]];

/**
 * The inverse of `memoryToBytes` for `export`: "536870912" -> "512Mi", the
 * largest binary unit that divides it exactly, else the bytes. Text that is
 * not a whole number of bytes is returned as is (the manifest's validation
 * then names it).
 */
export function bytesToQuantity(bytes: string): string {
  if (!/^[1-9]\d*$/.test(bytes)) return bytes;
  const n = Number(bytes);
  if (!Number.isSafeInteger(n)) return bytes;
  for (const [unit, size] of BINARY_UNITS) if (n % size === 0) return `${n / size}${unit}`;
  return bytes;
}

/**
 * The inverse of `cpuToNano` for `export`: cores as a number when a tenth
 * divides them (2, 1.5), whole millicores as "250m", anything finer as
 * decimal cores; always a
 * value that `cpuToNano` turns back into exactly `nano`.
 */
export function nanoToCpu(nano: string): string | number {
  if (!/^[1-9]\d*$/.test(nano)) return nano;
  const n = Number(nano);
  if (!Number.isSafeInteger(n)) return nano;
  if (n % 1e8 === 0) return n / 1e9;
  if (n % 1e6 === 0) return `${n / 1e6}m`;
  const cores = (n / 1e9).toFixed(9).replace(/0+$/, "");
  return cpuToNano(cores) === nano ? cores : nano;
}

/**
 * `export`: a service's live resource columns (bytes, nano-CPUs, as Dokploy
 * stores them) in the manifest's readable units, each the exact inverse of
 * what the desired view turns it back into. Shared by every service kind.
 */
export function exportResources(r: Readonly<Record<"memoryLimit" | "memoryReservation" | "cpuLimit" | "cpuReservation", string | null>>): Record<string, string | number | null> {
  const memory = (x: string | null): string | null => (x === null ? null : bytesToQuantity(x));
  const cpu = (x: string | null): string | number | null => (x === null ? null : nanoToCpu(x));
  return { memoryLimit: memory(r.memoryLimit), memoryReservation: memory(r.memoryReservation), cpuLimit: cpu(r.cpuLimit), cpuReservation: cpu(r.cpuReservation) };
}
