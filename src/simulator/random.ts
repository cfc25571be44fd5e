/**
 * Every random choice the simulator makes (ids, appName suffixes, fake commit
 * hashes, fault dice) comes from one seedable generator, so a benchmark or a
 * flaky-looking test can be replayed exactly with `--seed`.
 */
import { randomInt } from "node:crypto";

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** Dokploy's faker-style appName tail uses `customAlphabet("a-z1-9", 6)` (no zero). */
const FAKER_SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz123456789";
const VERBS = ["index", "parse", "compress", "bypass", "copy", "navigate", "quantify", "synthesize", "back-up", "transmit"];
const ADJECTIVES = ["virtual", "open-source", "neural", "digital", "primary", "haptic", "mobile", "solid-state", "cross-platform", "wireless"];
const NOUNS = ["bus", "port", "array", "alarm", "panel", "feed", "driver", "matrix", "protocol", "sensor"];

/** A small deterministic PRNG (mulberry32). */
export class Random {
  #state: number;

  /** `seed` undefined: seeded from the OS, so runs differ. */
  constructor(seed?: number) {
    this.#state = (seed ?? randomInt(0, 2 ** 31)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `rate` (0..1). */
  chance(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.next() < rate;
  }

  /** `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** A nanoid-shaped id (21 URL-safe characters), like Dokploy's primary keys. */
  id(): string {
    return this.string(ID_ALPHABET, 21);
  }

  /** The 6-character `[a-z0-9]` suffix Dokploy appends to a given appName. */
  appNameSuffix(): string {
    return this.string(SUFFIX_ALPHABET, 6);
  }

  /**
   * Dokploy's `generateAppName(type)` when no appName is given:
   * `<type>-<verb>-<adjective>-<noun>-<6 of [a-z1-9]>` (`app`, `compose`, `postgres`, `backup`...).
   */
  defaultAppName(type = "app"): string {
    const pick = (list: string[]): string => list[Math.floor(this.next() * list.length)]!;
    return `${type}-${pick(VERBS)}-${pick(ADJECTIVES)}-${pick(NOUNS)}-${this.string(FAKER_SUFFIX_ALPHABET, 6)}`;
  }

  /** A 40-character hex string, used as a fake git commit hash. */
  commitHash(): string {
    return this.string("0123456789abcdef", 40);
  }
}
