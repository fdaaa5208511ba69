/** What the server answered to an upload: the HTTP status (+HTTPACTION on the SIM900) and the body. */
export interface UploadReply {
  status: number;
  body: string;
}

/**
 * Whatever carries a batch to the server and brings back its reply: the
 * SIM900 (modem/sim900.ts), or HTTP on a laptop (http-uplink.ts). A failure
 * to deliver throws; a reply of any status is a reply.
 */
export interface Uplink {
  upload(body: string): Promise<UploadReply>;
}
