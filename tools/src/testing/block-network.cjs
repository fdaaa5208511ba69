// Preloaded with `node --require` into a process that must stay offline: every
// way out to the network (sockets, DNS, fetch, http/https requests) throws and
// leaves a line "NETWORK BLOCKED: …" on stderr that a test can look for, even
// when the caller catches the error.
const net = require("node:net");
const dns = require("node:dns");
const http = require("node:http");
const https = require("node:https");

function blocked(what) {
  return function () {
    const detail = [...arguments].filter((a) => typeof a !== "function").map((a) => { try { return JSON.stringify(a); } catch { return String(a); } }).join(" ");
    process.stderr.write(`NETWORK BLOCKED: ${what} ${detail.slice(0, 200)}\n`);
    throw new Error(`network access blocked: ${what}`);
  };
}

// A Unix socket path is local IPC (tsx talks to its parent that way), not the network.
const isLocal = (args) => typeof args[0] === "string" || (Array.isArray(args[0]) ? isLocal(args[0]) : !!(args[0] && args[0].path));
for (const [owner, key, what] of [[net.Socket.prototype, "connect", "net.Socket.connect"], [net, "connect", "net.connect"], [net, "createConnection", "net.createConnection"]]) {
  const original = owner[key];
  const block = blocked(what);
  owner[key] = function () {
    return isLocal([...arguments]) ? original.apply(this, arguments) : block.apply(this, arguments);
  };
}
for (const m of [http, https]) m.request = m.get = blocked(m === http ? "http.request" : "https.request");
for (const f of ["lookup", "resolve", "resolve4", "resolve6"]) dns[f] = blocked(`dns.${f}`);
dns.promises.lookup = blocked("dns.promises.lookup");
globalThis.fetch = blocked("fetch");
