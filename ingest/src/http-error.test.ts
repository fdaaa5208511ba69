import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { errorHandler, HttpError } from "./http-error.ts";

function app() {
  const reported: Array<[number, string]> = [];
  const a = new Hono();
  a.post("/small", bodyLimit({ maxSize: 4 }), (c) => c.text("ok"));
  a.get("/teapot", () => {
    throw new HTTPException(418, { message: "short and stout" });
  });
  a.get("/ours", () => {
    throw new HttpError(409, "batch conflict", "send it with a new seq", { "Retry-After": "1" });
  });
  a.get("/bug", () => {
    throw new TypeError("x is undefined");
  });
  a.onError(errorHandler((status, error) => reported.push([status, error])));
  return { a, reported };
}

describe("errorHandler", () => {
  it("answers an HttpError with its status, JSON body and headers", async () => {
    const { a, reported } = app();
    const res = await a.request("/ours");
    expect([res.status, res.headers.get("retry-after"), await res.json()]).toEqual([409, "1", { error: "batch conflict", detail: "send it with a new seq" }]);
    expect(reported).toEqual([[409, "batch conflict"]]);
  });

  it("answers a Hono middleware's HTTPException with its own status, not a 500", async () => {
    const { a } = app();
    const big = await a.request("/small", { method: "POST", body: "far too long" });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: "payload too large" });
    const teapot = await a.request("/teapot");
    expect([teapot.status, await teapot.json()]).toEqual([418, { error: "i'm a teapot", detail: "short and stout" }]);
  });

  it("answers anything else with 500 and no detail of it", async () => {
    const { a, reported } = app();
    const res = await a.request("/bug");
    expect([res.status, await res.json()]).toEqual([500, { error: "internal error", detail: "the server failed to handle this request" }]);
    expect(reported).toEqual([[500, "internal error"]]);
  });
});
