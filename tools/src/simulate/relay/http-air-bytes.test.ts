import { describe, expect, it } from "vitest";
import { httpAirBytes } from "./http-air-bytes.ts";

describe("httpAirBytes", () => {
  it("adds the TCP handshake, one ACK per segment and the close to a small POST", () => {
    // 300 bytes up in one segment, 150 down in one: 6 packets up, 4 down
    expect(httpAirBytes({ requestBytes: 300, responseBytes: 150, connected: true })).toEqual({
      sent: 300 + 6 * 40,
      received: 150 + 4 * 40,
      uplinkPackets: 6,
    });
  });

  it("splits a large request into segments and adds a DNS lookup for a host name", () => {
    const ip = httpAirBytes({ requestBytes: 3000, responseBytes: 100, connected: true });
    expect(ip.uplinkPackets).toBe(2 + 3 + 1 + 2);
    const named = httpAirBytes({ requestBytes: 3000, responseBytes: 100, connected: true, dnsName: "kayak.example" });
    expect(named.sent - ip.sent).toBe(28 + 12 + 15 + 4);
    expect(named.received - ip.received).toBe(28 + 12 + 15 + 4 + 16);
    expect(named.uplinkPackets).toBe(ip.uplinkPackets + 1);
  });

  it("counts a refused connection as a SYN and a RST", () => {
    expect(httpAirBytes({ requestBytes: 300, responseBytes: 0, connected: false })).toEqual({ sent: 40, received: 40, uplinkPackets: 1 });
  });
});
