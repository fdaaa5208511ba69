import { type Channel, postTo } from "./channel.ts";

/**
 * ntfy (https://docs.ntfy.sh/publish/): the contact's target is a topic URL such as
 * https://ntfy.sh/kari-kayak. Published as JSON to the server's root with the topic in the body,
 * not as a plain POST with Title headers: HTTP headers carry only Latin-1, and a boat or a
 * person may be called Åse. An SOS is priority 5 (max), a rule's finding 4 (high).
 */
export function ntfyChannel(): Channel {
  return {
    async send(_d, m) {
      const url = new URL(_d.contact.target);
      const path = url.pathname.replace(/\/+$/, "");
      const topic = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
      url.pathname = path.slice(0, path.lastIndexOf("/") + 1);
      url.search = "";
      await postTo(url.href, {
        headers: { "Content-Type": "application/json", "User-Agent": "kayaktrack" },
        body: JSON.stringify({ topic, title: m.title, message: m.text, priority: m.urgent ? 5 : 4, tags: [m.urgent ? "sos" : "warning"] }),
      });
    },
  };
}
