// Tests read JSON replies loosely and assert their shape with expect().
interface Response {
  json(): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}
