/**
 * Test helper of the integration tests that run child processes: reads the JSON objects a child
 * prints, one a line, among its other output.
 *
 * @module
 */

/**
 * Calls `each` with every line of `stream` that starts with `{`, parsed as JSON (other lines are
 * skipped); resolves when the stream ends.
 */
export async function readJsonLines(
  stream: ReadableStream<Uint8Array>,
  // deno-lint-ignore no-explicit-any
  each: (value: any) => void,
): Promise<void> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line.startsWith("{")) each(JSON.parse(line));
    }
  }
}
