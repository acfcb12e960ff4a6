import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { unstable_parseMultipartFormData, type ServerBuild, type UploadHandler } from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";

// Every request body is bounded before anything reads it (docs/limits.md): refused with 413 at once when its
// Content-Length says it is too large, and, whatever it claims, read through a count that fails at the limit. Every
// action gets the request that way, so no route can read more than the limit, and none needs to remember to.

const KB = 1024;
const MB = 1024 * KB;
/** A sign-in, any page form, any JSON call: the largest the tracker sends is a few kilobytes. */
export const MAX_BODY_BYTES = 64 * KB;
/** The largest file a form may upload (inventory exports); larger ones go through the command line. */
export const MAX_UPLOAD_BYTES = 8 * MB;
/** A multipart form whole: its file and its other fields. */
export const MAX_MULTIPART_BYTES = MAX_UPLOAD_BYTES + MAX_BODY_BYTES;
/** Parts of a multipart form; the upload form has two. */
export const MAX_MULTIPART_PARTS = 20;

type BodyKind = "multipart" | "form" | "other";

function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function kindOf(contentType: string | null | undefined): BodyKind {
  const type = mediaType(contentType);
  if (type === "multipart/form-data") return "multipart";
  if (type === "application/x-www-form-urlencoded") return "form";
  return "other";
}

function limitOf(kind: BodyKind): number {
  return kind === "multipart" ? MAX_MULTIPART_BYTES : MAX_BODY_BYTES;
}

const UPLOAD_TOO_LARGE = "The upload is larger than 8 MB; import a larger inventory export with npm run import:assets.";

function tooLargeSentence(kind: BodyKind): string {
  if (kind === "multipart") return UPLOAD_TOO_LARGE;
  if (kind === "form") return "The form is larger than 64 KB; no form of the tracker sends that much.";
  return "The body is larger than 64 KB; no call of the tracker takes that much.";
}

function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** A refusal as the caller reads it: JSON for the API (docs/api.md), a plain sentence for everything else. */
export function sendRefusal(req: ExpressRequest, res: ExpressResponse, status: number, sentence: string) {
  res.status(status);
  if (isApiPath(req.path)) res.json({ error: sentence });
  else res.type("text/plain").send(sentence);
}

/** Refuses a body whose Content-Length is over its limit before a byte of it is read. */
export function refuseDeclaredLargeBodies(req: ExpressRequest, res: ExpressResponse, next: NextFunction) {
  const declared = req.get("Content-Length");
  const kind = kindOf(req.get("Content-Type"));
  if (declared !== undefined && Number(declared) > limitOf(kind)) {
    return sendRefusal(req, res, 413, tooLargeSentence(kind));
  }
  next();
}

class BodyTooLarge extends Error {}

/** The request with its body read through a count that fails once the limit is passed; `over` says whether it did. */
function countedRequest(request: Request, limit: number): { request: Request; over: () => boolean } {
  const source = request.body;
  if (!source) return { request, over: () => false };
  let seen = 0;
  let over = false;
  const reader = source.getReader();
  // Past the limit the source is only let go, never cancelled: cancelling it destroys the connection, and the
  // refusal could not be sent. The unread rest closes the connection after the answer (closeWhenBodyUnread).
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        seen += value.byteLength;
        if (seen > limit) {
          over = true;
          reader.releaseLock();
          return controller.error(new BodyTooLarge(`More than ${limit} bytes`));
        }
        controller.enqueue(value);
      },
      cancel() {
        reader.releaseLock();
      },
    },
    { highWaterMark: 0 }
  );
  const init: RequestInit & { duplex: "half" } = {
    method: request.method,
    headers: request.headers,
    body,
    signal: request.signal,
    duplex: "half",
  };
  return { request: new Request(request.url, init), over: () => over };
}

/** A refusal of the form as read, with its status and the sentence to show. */
class FormRefusal extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

/**
 * The files of one multipart form, each written to a temporary file as it arrives and handed to the action as a
 * File read from disk: a form is never held in memory whole, and an action that never reads its file (a sign-in
 * sent as multipart) never loads it.
 */
class Uploads {
  private dir: string | null = null;
  private parts = 0;
  private fieldBytes = 0;

  readonly handler: UploadHandler = async ({ filename, contentType, data }) => {
    this.parts += 1;
    if (this.parts > MAX_MULTIPART_PARTS)
      throw new FormRefusal(413, `The form has more than ${MAX_MULTIPART_PARTS} parts; no form of the tracker has.`);
    if (filename === undefined) return this.field(data);
    this.dir ??= await fs.promises.mkdtemp(path.join(os.tmpdir(), "tracker-upload-"));
    const file = path.join(this.dir, String(this.parts));
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.byteLength;
        callback(size > MAX_UPLOAD_BYTES ? new FormRefusal(413, UPLOAD_TOO_LARGE) : null, chunk);
      },
    });
    await pipeline(Readable.from(data), limit, fs.createWriteStream(file));
    return new File([await fs.openAsBlob(file, { type: contentType })], filename, { type: contentType });
  };

  private async field(data: AsyncIterable<Uint8Array>): Promise<string> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of data) {
      this.fieldBytes += chunk.byteLength;
      if (this.fieldBytes > MAX_BODY_BYTES)
        throw new FormRefusal(413, "The form's fields are larger than 64 KB; no form of the tracker sends that much.");
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  async remove(): Promise<void> {
    if (this.dir) await fs.promises.rm(this.dir, { recursive: true, force: true });
  }
}

/** The form as read within the limits; the action reads it with formData(), as from any request. */
class ReadForm extends Request {
  readonly #form: FormData;

  constructor(source: Request, form: FormData) {
    const headers = new Headers(source.headers);
    headers.delete("Content-Type");
    headers.delete("Content-Length");
    super(source.url, { method: source.method, headers, body: form, signal: source.signal });
    this.#form = form;
  }

  override formData(): Promise<FormData> {
    return Promise.resolve(this.#form);
  }
}

/**
 * The request as a form its action can read: a post without a body (a sign-out button, a script) is an empty
 * form; one whose body is no form (another content type, broken multipart) is refused with 415 or 400 before the
 * action runs, rather than failing inside it.
 */
async function readForm(request: Request, kind: BodyKind, uploads: Uploads): Promise<Request> {
  if (kind === "other") {
    if ((await request.arrayBuffer()).byteLength === 0) return new ReadForm(request, new FormData());
    throw new FormRefusal(415, "Send the form as application/x-www-form-urlencoded or multipart/form-data.");
  }
  const form =
    kind === "multipart" ? await unstable_parseMultipartFormData(request, uploads.handler) : await request.formData();
  return new ReadForm(request, form);
}

const STATUS_TEXT: Record<number, string> = {
  400: "Unreadable form",
  413: "Too large",
  415: "Unsupported form encoding",
};

/**
 * Every action reads its request's body within the limits. A page action gets the form already read (files on
 * disk until it has answered), and refusals are thrown as the page's error; a JSON API call reads its own body,
 * and whatever it answers, a body over the limit is answered 413 in JSON.
 */
export function withBoundedBodies(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const action = route.module.action;
    if (!action) {
      routes[id] = route;
      continue;
    }
    const api = id.startsWith("routes/api.");
    routes[id] = {
      ...route,
      module: {
        ...route.module,
        action: async (args) => {
          const kind = kindOf(args.request.headers.get("Content-Type"));
          const counted = countedRequest(args.request, limitOf(kind));
          const tooLarge = () => Response.json({ error: tooLargeSentence(kind) }, { status: 413 });
          if (api) {
            let answer: unknown;
            try {
              answer = await action({ ...args, request: counted.request });
            } catch (error) {
              if (counted.over()) return tooLarge();
              throw error;
            }
            return counted.over() ? tooLarge() : answer;
          }
          const uploads = new Uploads();
          try {
            let form: Request;
            try {
              form = await readForm(counted.request, kind, uploads);
            } catch (error) {
              // Past the limit, whatever error the reader made of it, the answer is that the body is too large.
              const refusal = counted.over()
                ? new FormRefusal(413, tooLargeSentence(kind))
                : error instanceof FormRefusal
                ? error
                : new FormRefusal(400, "The form could not be read: its body is not valid form data.");
              throw new Response(refusal.message, { status: refusal.status, statusText: STATUS_TEXT[refusal.status] });
            }
            return await action({ ...args, request: form });
          } finally {
            await uploads.remove();
          }
        },
      },
    };
  }
  return { ...build, routes };
}
