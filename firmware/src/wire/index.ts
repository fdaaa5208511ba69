// The wire format as the ingest service uses it (Node side).
export { BATCH_MEDIA_TYPE, WIRE_VERSION, type BatchHeader, type WireFix } from "./batch.ts";
export { BatchFormatError, decodeBatch, formatAck, MAX_BATCH_FIXES } from "./batch-decoder.ts";
export { encodeBatch } from "./batch-encoder.ts";
