import { formatAck } from "../wire/ack.ts";
import type { WireFix } from "../wire/batch.ts";
import { decodeBatch } from "../wire/batch-decoder.ts";
import { bytesOf } from "../bytes-of.ts";
import type { UploadReply } from "../uplink/uplink.ts";

/**
 * The server side of firmware tests: decodes each body with the real wire
 * decoder and keeps every fix it receives, with NO duplicate filter on fixes,
 * so a test can count how often each fix arrived. Like the ingest service, it
 * answers a batch whose seq it has stored with the first acknowledgement
 * again (and 409 when the fixes differ). `reply` lets a test answer otherwise.
 */
export class RecordingServer {
  readonly received: WireFix[] = [];
  readonly seqs: number[] = [];
  /** each new batch's SOS state and fix count, in order */
  readonly batchesSeen: Array<{ seq: number; sos: number; fixes: number; lastTime: number | undefined }> = [];
  /** undefined: acknowledge; else the reply to give instead (nothing stored) */
  reply: ((seq: number) => UploadReply | undefined) | undefined;
  /** settings words to send with each acknowledgement */
  settings: string[] = [];
  private readonly batches = new Map<number, { content: string; reply: UploadReply }>();

  handle(body: string): UploadReply {
    const batch = decodeBatch(bytesOf(body));
    const other = this.reply && this.reply(batch.seq);
    if (other) return other;
    const content = JSON.stringify(batch.fixes);
    const prior = this.batches.get(batch.seq);
    if (prior) return prior.content === content ? prior.reply : { status: 409, body: "{}" };
    this.seqs.push(batch.seq);
    this.batchesSeen.push({ seq: batch.seq, sos: batch.sos, fixes: batch.fixes.length, lastTime: batch.fixes.length ? batch.fixes[batch.fixes.length - 1]!.time : undefined });
    for (const f of batch.fixes) this.received.push(f);
    const reply = { status: 200, body: formatAck({ seq: batch.seq, stored: batch.fixes.length, duplicates: 0, rejected: 0, settings: this.settings }) };
    this.batches.set(batch.seq, { content, reply });
    return reply;
  }

  /** how many times each fix time arrived */
  counts(): Map<number, number> {
    const m = new Map<number, number>();
    for (const f of this.received) m.set(f.time, (m.get(f.time) ?? 0) + 1);
    return m;
  }
}
