import { describe, expect, it } from "vitest";
import { deg, escapeXml, num } from "./export-format.ts";

describe("num and deg", () => {
  it("write plain decimals, never exponents, without trailing zeros", () => {
    expect(deg(0.0000005)).toBe("0.0000005"); // String() gives 5e-7: not a GPX latitude
    expect(deg(-0.0000012)).toBe("-0.0000012");
    expect(deg(1e-9)).toBe("0");
    expect(deg(-1e-9)).toBe("0");
    expect(deg(10.12345678)).toBe("10.1234568");
    expect(deg(-179.5)).toBe("-179.5");
    expect(num(100, 2)).toBe("100");
    expect(num(2.5, 2)).toBe("2.5");
    expect(num(1.999, 2)).toBe("2");
    expect(num(12345.678, 1)).toBe("12345.7");
  });
});

describe("escapeXml", () => {
  it("escapes markup and leaves out what XML 1.0 forbids, keeping the rest", () => {
    expect(escapeXml(`<b>"Ida" & 'Ola'</b>`)).toBe("&#60;b&#62;&#34;Ida&#34; &#38; &#39;Ola&#39;&#60;/b&#62;");
    expect(escapeXml("a\u0007b\uffffc\ud800d\tkayak 🛶")).toBe("abcd\tkayak 🛶");
  });
});
