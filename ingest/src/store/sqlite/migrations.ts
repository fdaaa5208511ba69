/**
 * Schema migrations, applied in order at start-up. `PRAGMA user_version` holds
 * how many have run. Never edit a released step: add a new one.
 */
export const migrations: string[] = [
  `
  CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_seen_at INTEGER
  );
  -- One row per fix; (device, time in ms) is a fix's identity, so a resent fix
  -- is a duplicate whatever the way in. id orders the live stream.
  CREATE TABLE fixes (
    id INTEGER PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices(id),
    t_ms INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    alt REAL,
    speed REAL,
    course REAL,
    hdop REAL,
    sats INTEGER,
    accuracy REAL,
    battery REAL,
    source TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (device_id, t_ms)
  );
  -- The acknowledgement of every batch, replayed when a batch is sent again.
  CREATE TABLE batches (
    device_id INTEGER NOT NULL REFERENCES devices(id),
    seq INTEGER NOT NULL,
    digest TEXT NOT NULL,
    stored INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Trips are derived from fixes. A write marks from which fix time a device's
  -- trips must be recomputed; reading trips recomputes from there.
  ALTER TABLE devices ADD COLUMN trips_dirty_from_ms INTEGER;
  UPDATE devices SET trips_dirty_from_ms = (SELECT min(t_ms) FROM fixes WHERE device_id = devices.id);
  CREATE TABLE trips (
    id INTEGER PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices(id),
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    fixes INTEGER NOT NULL,
    distance_m REAL NOT NULL,
    moving_s REAL NOT NULL,
    moving_speed REAL,
    max_speed REAL,
    min_alt REAL,
    max_alt REAL,
    west REAL NOT NULL,
    south REAL NOT NULL,
    east REAL NOT NULL,
    north REAL NOT NULL,
    UNIQUE (device_id, start_ms)
  );
  `,
  `
  -- Read-only links to one trip or to a device's position, stored as token hashes.
  CREATE TABLE shares (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    device_id INTEGER NOT NULL REFERENCES devices(id),
    -- a trip share: the trip, and its start so that the link survives the trip being recomputed
    trip_id INTEGER,
    trip_start_ms INTEGER,
    -- fixes newer than this many seconds are hidden
    delay_s INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
  );
  `,
  `
  -- Upload intervals the server sends a kayaktrack tracker with each acknowledgement (JSON, or NULL).
  ALTER TABLE devices ADD COLUMN tracker_settings TEXT;
  `,
  `
  -- A kayaktrack tracker's battery voltage, from the latest batch that carried one.
  ALTER TABLE devices ADD COLUMN battery_volts REAL;
  `,
  `
  -- A trip id is never given again (AUTOINCREMENT; a plain INTEGER PRIMARY KEY reuses the
  -- largest id deleted): a listing or a link that names a trip late fixes merged away must
  -- not find another device's new trip. SQLite cannot add it to a table: the table is rebuilt.
  CREATE TABLE trips_v6 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id INTEGER NOT NULL REFERENCES devices(id),
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    fixes INTEGER NOT NULL,
    distance_m REAL NOT NULL,
    moving_s REAL NOT NULL,
    moving_speed REAL,
    max_speed REAL,
    min_alt REAL,
    max_alt REAL,
    west REAL NOT NULL,
    south REAL NOT NULL,
    east REAL NOT NULL,
    north REAL NOT NULL,
    UNIQUE (device_id, start_ms)
  );
  INSERT INTO trips_v6 SELECT * FROM trips;
  -- Ids given to trips since deleted stay given too: start after the largest a share names.
  DELETE FROM sqlite_sequence WHERE name = 'trips_v6';
  INSERT INTO sqlite_sequence (name, seq)
    SELECT 'trips_v6', max(coalesce((SELECT max(id) FROM trips), 0), coalesce((SELECT max(trip_id) FROM shares), 0));
  DROP TABLE trips;
  ALTER TABLE trips_v6 RENAME TO trips;
  `,
  // v7: an OwnTracks device's encryption key (its app's "secret encryption key"). Kept as given:
  // the server decrypts with it, so a hash would not do; it is never listed or exported.
  `
  ALTER TABLE devices ADD COLUMN owntracks_key TEXT;
  `,
  // v8: alerts (an SOS, a rule's finding), the contacts who hear of them, and the outbox of
  // deliveries between them (ingest/src/alerts/). A contact's webhook secret is kept as given:
  // the server signs with it.
  `
  CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id INTEGER NOT NULL REFERENCES devices(id),
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    name TEXT,
    secret TEXT,
    created_at INTEGER NOT NULL,
    removed_at INTEGER
  );
  CREATE INDEX contacts_device ON contacts (device_id) WHERE removed_at IS NULL;
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id INTEGER NOT NULL REFERENCES devices(id),
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    raised_at INTEGER NOT NULL,
    cleared_at INTEGER,
    acknowledged_at INTEGER,
    lat REAL,
    lon REAL,
    fix_t_ms INTEGER,
    detail TEXT
  );
  CREATE INDEX alerts_device ON alerts (device_id, kind, id);
  -- At most one open alert of a kind per device, whoever raises it.
  CREATE UNIQUE INDEX alerts_open ON alerts (device_id, kind) WHERE cleared_at IS NULL;
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    event TEXT NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    last_error TEXT,
    sent_at INTEGER,
    -- Once per event and contact.
    UNIQUE (alert_id, event, contact_id)
  );
  CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state = 'pending';
  CREATE INDEX deliveries_sent ON deliveries (contact_id, sent_at) WHERE state = 'sent';
  -- The rules the server watches for a device (alerts/alert-rules.ts), as JSON.
  CREATE TABLE alert_rules (
    device_id INTEGER PRIMARY KEY REFERENCES devices(id),
    rules TEXT NOT NULL
  );
  `,
  // v9: PostgreSQL's shared rate limit keeps its buckets in a table; one SQLite process keeps them
  // in memory (rate-limiter.ts). Nothing to do here but keep the numbers equal.
  `
  SELECT 1;
  `,
];
