import { isIP } from "node:net";

/** One AT+HTTPACTION as the emulated SIM900 carries it out for real. */
export interface RelayRequest {
  /** AT+HTTPACTION=<method>: 0 GET, 1 POST, 2 HEAD */
  method: "GET" | "POST" | "HEAD";
  /** HTTPPARA "URL" */
  url: string;
  /** HTTPPARA "CONTENT" ("" for none) */
  contentType: string;
  /** HTTPPARA "USERDATA": extra header lines, separated by CR LF (typed as \r\n or as the characters "\\r\\n") */
  userData: string;
  /** HTTPPARA "UA" */
  userAgent: string;
  /** AT+HTTPDATA's bytes, relayed as they are */
  body: Buffer;
  /** gives up after this long: the module's 601 */
  timeoutMs: number;
}

export interface RelayResult {
  /** the HTTP status, or the module's own 601 (network error) or 603 (DNS error) */
  status: number;
  body: Buffer;
  /** the request as the module would put it on the wire: request line, headers, body */
  requestBytes: number;
  /** the response's status line, headers and body; 0 without an answer */
  responseBytes: number;
  /** a TCP connection was made */
  connected: boolean;
  /** the host name looked up, if the URL has one */
  dnsName: string | undefined;
}

type Timers = { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(h: unknown): void };

/** Header lines of USERDATA; a line that is not `Name: value` cannot go through fetch and is left out. */
export function userDataHeaders(userData: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of userData.split(/\r\n|\\r\\n/)) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (m) out.push([m[1]!, m[2]!]);
  }
  return out;
}

/**
 * Performs the request with `fetch` and answers as the SIM900 reports it:
 * the server's status and body byte for byte, or 603 when the host name does
 * not resolve and 601 for any other network failure (refused, reset, timed
 * out, bad URL; SIM900 IP Application Note, AT+HTTPACTION status codes).
 */
export async function relayHttp(doFetch: typeof fetch, timers: Timers, req: RelayRequest): Promise<RelayResult> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { status: 601, body: Buffer.alloc(0), requestBytes: 0, responseBytes: 0, connected: false, dnsName: undefined };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const dnsName = isIP(host) ? undefined : host;
  const headers: Array<[string, string]> = [["User-Agent", req.userAgent]];
  if (req.contentType && req.method === "POST") headers.push(["Content-Type", req.contentType]);
  headers.push(...userDataHeaders(req.userData));
  const withBody = req.method === "POST";
  const head =
    `${req.method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
    headers.map(([k, v]) => `${k}: ${v}\r\n`).join("") +
    (withBody ? `Content-Length: ${req.body.length}\r\n` : "") +
    "\r\n";
  const requestBytes = Buffer.byteLength(head, "latin1") + (withBody ? req.body.length : 0);

  const abort = new AbortController();
  const timer = timers.setTimeout(() => abort.abort(), req.timeoutMs);
  try {
    const res = await doFetch(url, {
      method: req.method,
      headers,
      ...(withBody && { body: new Uint8Array(req.body) }),
      signal: abort.signal,
      redirect: "manual", // the SIM900 reports a 30x, it does not follow it
    });
    const body = req.method === "HEAD" ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer());
    let responseHead = `HTTP/1.1 ${res.status} ${res.statusText}\r\n`;
    res.headers.forEach((v, k) => (responseHead += `${k}: ${v}\r\n`));
    responseHead += "\r\n";
    return {
      status: res.status,
      body,
      requestBytes,
      responseBytes: Buffer.byteLength(responseHead, "latin1") + body.length,
      connected: true,
      dnsName,
    };
  } catch (e) {
    return { status: isDnsFailure(e) ? 603 : 601, body: Buffer.alloc(0), requestBytes, responseBytes: 0, connected: false, dnsName };
  } finally {
    timers.clearTimeout(timer);
  }
}

function isDnsFailure(e: unknown): boolean {
  const cause = e instanceof Error ? (e.cause as { code?: unknown } | undefined) : undefined;
  const code = cause && typeof cause === "object" ? cause.code : undefined;
  return code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME";
}
