const KEY = "kayaktrack.adminToken";

/**
 * The admin token in the browser: sessionStorage (gone when the tab closes),
 * or localStorage when the user asks to be remembered on this device.
 */
export const tokenStore = {
  get(): string | undefined {
    return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? undefined;
  },
  set(token: string, remember: boolean): void {
    this.clear();
    (remember ? localStorage : sessionStorage).setItem(KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
  },
};
