import http from "node:http";
import https from "node:https";
import { DELIVERY_TIMEOUT_MS, MAX_ANSWER_BYTES } from "~/domain/delivery";

// One webhook post: the JSON body exactly as given, redirects not followed (a 3xx is an answer like any other),
// the whole exchange bounded in time, and no more than MAX_ANSWER_BYTES of the answer read.

class DeliveryTimeoutError extends Error {
  override name = "TimeoutError";
}

export interface PostAnswer {
  status: number;
  /** The start of the answer's body (at most MAX_ANSWER_BYTES), for the error kept when it is not 2xx. */
  body: string;
}

export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = DELIVERY_TIMEOUT_MS
): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return reject(new Error(`the endpoint's address is not a URL: ${url.slice(0, 200)}`));
    }
    if (target.protocol !== "http:" && target.protocol !== "https:")
      return reject(new Error(`the endpoint's address must be http:// or https://, not ${target.protocol}//`));
    const payload = Buffer.from(body, "utf8");
    const request = (target.protocol === "https:" ? https : http).request(target, {
      method: "POST",
      headers: {
        ...headers,
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": String(payload.length),
        "User-Agent": "SegmentationTracker-Webhook/1",
      },
    });
    let settled = false;
    const finish = (error: Error | null, answer?: PostAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(answer!);
    };
    const timer = setTimeout(() => {
      const error = new DeliveryTimeoutError(`timed out after ${timeoutMs} ms`);
      finish(error);
      request.destroy(error);
    }, timeoutMs);
    request.on("error", (error) => finish(error));
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let read = 0;
      const done = () => {
        finish(null, { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      };
      response.on("data", (chunk: Buffer) => {
        const room = MAX_ANSWER_BYTES - read;
        if (room > 0) chunks.push(chunk.subarray(0, room));
        read += chunk.length;
        if (read >= MAX_ANSWER_BYTES) {
          done();
          response.destroy();
        }
      });
      response.on("end", done);
      response.on("error", (error) => finish(error));
      response.on("close", done);
    });
    request.end(payload);
  });
}
