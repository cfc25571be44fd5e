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
