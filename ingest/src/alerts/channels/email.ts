import { hostname } from "node:os";
import nodemailer from "nodemailer";
import { type Channel, DeliveryError, SEND_TIMEOUT_MS } from "./channel.ts";

export interface EmailOptions {
  /** smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://…:465 */
  smtpUrl: string;
  /** the From address; default kayaktrack@<this host> */
  from?: string;
}

/**
 * E-mail over SMTP with nodemailer. The Message-ID is the delivery's, the same for every attempt,
 * so a mail sent again after a crash is recognisable as the same one. A 5xx reply is the mail
 * server refusing for good (no such mailbox); anything else is tried again.
 */
export function emailChannel(o: EmailOptions): Channel & { close(): void } {
  // The URL's host, port, user and password, with our timeouts (nodemailer reads `url` itself).
  const transport = nodemailer.createTransport({
    url: o.smtpUrl,
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const host = hostname() || "kayaktrack";
  const from = o.from ?? `kayaktrack@${host}`;
  return {
    async send(d, m) {
      try {
        await transport.sendMail({
          from,
          to: d.contact.target,
          subject: m.title,
          text: m.text,
          messageId: `<delivery-${d.id}.alert-${d.alert.id}@${host}>`,
          priority: m.urgent ? "high" : "normal",
          headers: { "X-Kayaktrack-Delivery": String(d.id), "X-Kayaktrack-Event": m.json.type },
        });
      } catch (e) {
        const err = e as Error & { responseCode?: number; code?: string };
        throw new DeliveryError(`SMTP: ${err.message}`, err.responseCode !== undefined && err.responseCode >= 500);
      }
    },
    close() {
      transport.close();
    },
  };
}
