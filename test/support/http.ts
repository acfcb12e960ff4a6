import http from "node:http";

// Requests as a plain HTTP client sends them, for what fetch will not do: any method (TRACE), any Host header, a
// body in chunks without a length that the server may stop reading.

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface Sending {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** Sent whole, with its Content-Length. */
  body?: Buffer;
  /** Sent in chunks without a length, for as long as the server reads them. */
  chunks?: () => Iterable<Buffer>;
}

/**
 * One request over its own connection, as a client that keeps sending until the server answers: the answer is what
 * counts, whether or not the server read the whole body first (it closes the connection when it did not).
 */
export function send(baseUrl: string, sending: Sending): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Origin: baseUrl, ...sending.headers };
    if (sending.body) headers["Content-Length"] = String(sending.body.length);
    const request = http.request(new URL(sending.path, baseUrl), {
      method: sending.method ?? "POST",
      headers,
      agent: false,
    });
    let answered = false;
    request.on("response", (response) => {
      answered = true;
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => {
        resolve({ status: response.statusCode!, headers: response.headers, text: Buffer.concat(parts).toString() });
        request.destroy();
      });
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (sending.body) {
      request.end(sending.body);
      return;
    }
    void (async () => {
      for (const chunk of sending.chunks?.() ?? []) {
        if (answered || request.destroyed) return;
        if (!request.write(chunk)) {
          await new Promise<void>((drained) => {
            const done = () => {
              request.off("drain", done);
              request.off("close", done);
              drained();
            };
            request.on("drain", done);
            request.on("close", done);
          });
        }
      }
      if (!answered && !request.destroyed) request.end();
    })();
  });
}
