import { describe, expect, it } from "vitest";
import { MASK, Redactor } from "../../../src/util/redact.ts";

describe("Redactor.redactValue", () => {
  it("masks secrets in strings and keys, deep", () => {
    const r = new Redactor().add("s3cret-value");
    expect(r.redactValue({ a: "x s3cret-value y", list: ["s3cret-value"], "s3cret-value": 1 })).toEqual({ a: `x ${MASK} y`, list: [MASK], [MASK]: 1 });
  });

  // Regression: masking the JSON text made invalid JSON when a secret was JSON syntax
  // (export makes every variable a secret, and a variable's value may well be "true").
  it.each(["true", "null", '":1}', "1234"])("keeps the value valid when a secret is %j", (secret) => {
    const r = new Redactor().add(secret);
    const value = { flag: true, nothing: null, count: 1234, text: `is ${secret}` };
    expect(r.redactValue(value)).toEqual({ flag: true, nothing: null, count: 1234, text: `is ${MASK}` });
  });
});
