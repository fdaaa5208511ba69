/**
 * An answer now or later: SQLite answers in the calling thread, PostgreSQL over the network.
 * Callers of a Store or an AlertStore await every answer, so either serves them.
 */
export type Awaitable<T> = T | Promise<T>;
