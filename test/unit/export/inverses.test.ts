/**
 * The inverses `export` relies on: a quantity read from Dokploy turns back
 * into exactly the same value, and names made from hosts are DNS labels.
 */
import { describe, expect, it } from "vitest";
import { bytesToQuantity, cpuToNano, memoryToBytes, nanoToCpu } from "../../../src/plan/quantity.ts";
import { dnsLabel, uniqueLabel } from "../../../src/util/dns-label.ts";

describe("quantities, back and forth", () => {
  it.each([
    ["536870912", "512Mi"], ["1073741824", "1Gi"], ["1536", "1536"], ["2048", "2Ki"], ["1000000000", "1000000000"], ["1", "1"], ["abc", "abc"], ["0", "0"],
  ])("memory %s -> %s", (bytes, quantity) => {
    expect(bytesToQuantity(bytes)).toBe(quantity);
    if (/^[1-9]/.test(bytes)) expect(memoryToBytes(quantity)).toBe(bytes);
  });

  it.each([
    ["2000000000", 2], ["1500000000", 1.5], ["250000000", "250m"], ["123456789", "0.123456789"], ["1", "0.000000001"], ["x", "x"],
  ])("cpu %s -> %j", (nano, cpu) => {
    expect(nanoToCpu(nano)).toBe(cpu);
    if (/^[1-9]/.test(nano)) expect(cpuToNano(cpu)).toBe(nano);
  });
});

describe("DNS labels for exported names", () => {
  it.each([
    [["Shop.Example.com"], "shop-example-com"],
    [["shop.example.com", "/api/v1/"], "shop-example-com-api-v1"],
    [["---"], "fallback"],
    [["a".repeat(70)], "a".repeat(63)],
  ])("%j -> %s", (parts, label) => {
    expect(dnsLabel(parts, "fallback")).toBe(label);
  });

  it("makes a label unique without going over 63 characters", () => {
    expect(uniqueLabel("www", new Set(["www", "www-2"]))).toBe("www-3");
    const long = "b".repeat(63);
    expect(uniqueLabel(long, new Set([long]))).toBe(`${"b".repeat(61)}-2`);
  });
});
