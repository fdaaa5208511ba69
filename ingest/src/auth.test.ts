import { describe, expect, it } from "vitest";
import { deviceToken, parseAuthorization, parseDeviceId } from "./auth.ts";

describe("parseAuthorization", () => {
  it("reads Bearer and Basic", () => {
    expect(parseAuthorization("Bearer abc")).toEqual({ scheme: "bearer", token: "abc" });
    const basic = "Basic " + Buffer.from("12:se:cret").toString("base64");
    expect(parseAuthorization(basic)).toEqual({ scheme: "basic", user: "12", password: "se:cret" });
  });

  it("rejects anything else", () => {
    for (const h of [undefined, "", "Bearer", "Digest x", "Basic " + Buffer.from("nocolon").toString("base64"), "Bearer a b"]) {
      expect(parseAuthorization(h)).toBeUndefined();
    }
  });
});

describe("deviceToken", () => {
  it("takes a Bearer token or a Basic password, nothing else", () => {
    expect(deviceToken("Bearer abc")).toBe("abc");
    expect(deviceToken("Basic " + Buffer.from("7:secret").toString("base64"))).toBe("secret");
    expect(deviceToken("Token abc")).toBeUndefined();
    expect(deviceToken(undefined)).toBeUndefined();
  });
});

describe("parseDeviceId", () => {
  it("accepts positive integers as numbers or strings only", () => {
    expect(parseDeviceId(3)).toBe(3);
    expect(parseDeviceId(" 42 ")).toBe(42);
    for (const v of [0, -1, 1.5, "1e3", "0x10", "01", "", null, {}, "99999999999999999999"]) {
      expect(parseDeviceId(v)).toBeUndefined();
    }
  });
});
