/**
 * An estimate of what one HTTP request costs on air over GPRS: the HTTP bytes
 * plus the TCP/IP packets around them. It is a model, not a capture:
 *
 * - every IP packet carries 40 bytes of IPv4 + TCP headers (RFC 791, RFC 793;
 *   no options), and a segment carries at most 1400 bytes (a GPRS MTU of 1500
 *   less headers and a margin, as operators commonly set it);
 * - a connection is SYN / SYN-ACK / ACK, the request and the response each
 *   acknowledged segment by segment (no delayed ACKs), then FIN / FIN-ACK / ACK;
 * - a host name costs one DNS query and answer over UDP (28 bytes of IPv4 + UDP
 *   headers, a 12-byte DNS header, the name, 4 bytes of type and class; the
 *   answer repeats the question and adds a 16-byte A record);
 * - a refused connection is a SYN and a RST;
 * - the radio's own framing (SNDCP, LLC, RLC/MAC) and retransmissions are left
 *   out: they add some 5–15 % on a good link.
 *
 * Each uplink packet counts as one transmit burst of the radio.
 */
export const IP_TCP_HEADER_BYTES = 40;
export const SEGMENT_BYTES = 1400;
const UDP_IP_HEADER_BYTES = 28;

export interface HttpExchange {
  /** request line, headers and body as sent */
  requestBytes: number;
  /** status line, headers and body as received; 0 when no answer came */
  responseBytes: number;
  /** the URL's host is a name to look up, not an address */
  dnsName?: string | undefined;
  /** the TCP connection was made (false: refused or never answered) */
  connected: boolean;
}

export interface AirBytes {
  /** uplink bytes, headers included */
  sent: number;
  /** downlink bytes, headers included */
  received: number;
  /** uplink packets: transmit bursts */
  uplinkPackets: number;
}

const segments = (bytes: number) => Math.ceil(bytes / SEGMENT_BYTES);

export function httpAirBytes(x: HttpExchange): AirBytes {
  let sent = 0;
  let received = 0;
  let up = 0;
  if (x.dnsName) {
    const query = UDP_IP_HEADER_BYTES + 12 + (x.dnsName.length + 2) + 4;
    sent += query;
    received += query + 16;
    up += 1;
  }
  if (!x.connected) {
    // SYN, answered by RST (refused) or by nothing
    return { sent: sent + IP_TCP_HEADER_BYTES, received: received + IP_TCP_HEADER_BYTES, uplinkPackets: up + 1 };
  }
  const reqSegs = segments(x.requestBytes);
  const resSegs = segments(x.responseBytes);
  const upPackets = 2 + reqSegs + resSegs + 2; // SYN, ACK; request; ACK per response segment; FIN, last ACK
  const downPackets = 1 + reqSegs + resSegs + 1; // SYN-ACK; ACK per request segment; response; FIN-ACK
  sent += x.requestBytes + upPackets * IP_TCP_HEADER_BYTES;
  received += x.responseBytes + downPackets * IP_TCP_HEADER_BYTES;
  return { sent, received, uplinkPackets: up + upPackets };
}
