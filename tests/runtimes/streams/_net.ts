/** The part of `node:net` the streams program uses (typed here, so the program has no static node: import). */
export interface NetLike {
  connect(
    options: { host: string; port: number },
    onConnect: () => void,
  ): {
    write(data: Uint8Array): boolean;
    on(event: string, listener: (arg: never) => void): void;
  };
}
