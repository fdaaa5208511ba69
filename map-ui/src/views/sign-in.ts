import { Api, ApiError } from "../api.ts";
import { h } from "../dom.ts";
import { tokenStore } from "../token-store.ts";

/** Sign-in with the admin token (printed by `kayaktrack serve` or `demo`); it is checked before it is kept. */
export function signInForm(onSignedIn: () => void): HTMLElement {
  const token = h("input", { type: "password", name: "token", id: "token", autocomplete: "current-password", required: true });
  const remember = h("input", { type: "checkbox", name: "remember" });
  const message = h("p", { class: "error", role: "alert" });
  const form = h(
    "form",
    { class: "sign-in", "aria-labelledby": "sign-in-title" },
    h("h2", { id: "sign-in-title" }, "Sign in"),
    h("p", {}, "Enter the admin token of this kayaktrack server."),
    h("label", { for: "token" }, "Admin token"),
    token,
    h("label", { class: "switch" }, remember, " Remember on this device"),
    h("button", { type: "submit" }, "Sign in"),
    message,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    message.textContent = "";
    try {
      await new Api(token.value.trim()).get("/api/v1/devices");
      tokenStore.set(token.value.trim(), remember.checked);
      onSignedIn();
    } catch (err) {
      message.textContent = err instanceof ApiError && err.status === 401 ? "That token is not right." : `Could not sign in: ${err instanceof Error ? err.message : String(err)}`;
      token.focus();
    }
  });
  queueMicrotask(() => token.focus());
  return form;
}
