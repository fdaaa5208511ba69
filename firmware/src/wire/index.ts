// The wire format as the ingest service uses it (Node side).
export { BATCH_MEDIA_TYPE, SOS_CANCELLED, SOS_NONE, SOS_ON, WIRE_VERSION, WIRE_VERSION_SOS, type BatchHeader, type DecodedBatch, type WireFix } from "./batch.ts";
export { formatAck, parseAck, type Ack } from "./ack.ts";
export { BatchFormatError, decodeBatch, MAX_BATCH_FIXES } from "./batch-decoder.ts";
export { encodeBatch } from "./batch-writer.ts";
// For tests that build batches the encoder would never make (a fuzzed body with a valid CRC).
export { crc16 } from "./crc16.ts";
