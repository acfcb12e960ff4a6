import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { z } from "../../app/utils/zod";
import {
  attempt,
  checkFields,
  confirmed,
  decodeFlash,
  encodeFlash,
  FLASH_COOKIE,
  FLASH_MAX_LENGTH,
  parseForm,
  parseJson,
  takeConfirmation,
} from "../../app/utils/forms.server";
import { allFieldErrors, replyFor, type FormReply } from "../../app/utils/reply";
import { ActError, RevisionConflictError } from "../../app/utils/errors";

// The form pipeline's pure parts: a form parsed into every field's problems in plain words, zod's defaults rewritten
// by the error map, which form a reply concerns, and the confirmation cookie's value (signed, bounded).

const schema = z.object({
  name: z.string().trim().min(1).max(20),
  note: z.string().trim().min(3, "Write a note (at least 3 characters)."),
  minutes: z.coerce.number().int().positive(),
  kind: z.enum(["plc", "hmi"]),
});

/** An internal path or zod's own wording: what a person must never read. */
const INTERNAL = /(^|\s)(name|note|minutes|kind|endsAt|revision)\s*:|Too big|Too small|expected|Invalid input|<=|>=/;

describe("parseForm", () => {
  it("gives every problem of every field at once, in plain words, without field names", () => {
    const form = new FormData();
    form.set("name", "x".repeat(25));
    form.set("note", "a");
    form.set("minutes", "2.5");
    form.set("kind", "router");
    const parsed = parseForm(schema, form, "save", "7");
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    const { reply } = parsed;
    assert.equal(reply.status, "error");
    assert.equal(reply.intent, "save");
    assert.equal(reply.target, "7");
    assert.equal(reply.formError, "Check the 4 fields marked below.");
    assert.deepEqual(reply.fieldErrors, {
      name: ["Write at most 20 characters."],
      note: ["Write a note (at least 3 characters)."],
      minutes: ["Enter a whole number."],
      kind: ["Choose one of the options."],
    });
    for (const message of allFieldErrors(reply)) assert.doesNotMatch(message, INTERNAL);
  });

  it("says a missing field is required, and gives the data when all is well", () => {
    const missing = parseForm(schema, { note: "fine note", minutes: "5", kind: "plc" }, "save");
    assert.equal(missing.ok, false);
    if (!missing.ok) {
      assert.deepEqual(missing.reply.fieldErrors, { name: ["This is required."] });
      assert.equal(missing.reply.formError, "Check the field marked below.");
      assert.equal(missing.reply.target, null);
    }
    const good = parseForm(schema, { name: " Pump ", note: "reviewed", minutes: "5", kind: "hmi" }, "save");
    assert.deepEqual(good, { ok: true, data: { name: "Pump", note: "reviewed", minutes: 5, kind: "hmi" } });
  });

  it("keeps several problems of one field, and joins nested paths only when asked", () => {
    const two = z.object({
      code: z
        .string()
        .min(4)
        .regex(/^[A-Z]+$/, "Use capital letters only."),
    });
    const parsed = parseForm(two, { code: "a1" }, "code");
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.reply.fieldErrors.code, ["Write at least 4 characters.", "Use capital letters only."]);

    const flows = z.object({ flows: z.array(z.object({ port: z.number().int().max(65535) })) });
    const flat = parseJson(flows, { flows: [{ port: 1 }, { port: 70000 }] });
    assert.ok(!flat.ok);
    assert.deepEqual(flat.reply.fieldErrors, { flows: ["Enter 65,535 or less."] });
    const nested = parseJson(flows, { flows: [{ port: 1 }, { port: 70000 }] }, "flows", { nested: true });
    assert.ok(!nested.ok);
    assert.deepEqual(nested.reply.fieldErrors, { "flows.1.port": ["Enter 65,535 or less."] });
  });

  it("puts a problem of the whole input in the form's message", () => {
    const range = z
      .object({ from: z.coerce.number(), to: z.coerce.number() })
      .refine((v) => v.to >= v.from, "The end is before the start.");
    const parsed = parseForm(range, { from: "5", to: "3" }, "range");
    assert.ok(!parsed.ok);
    assert.equal(parsed.reply.formError, "The end is before the start.");
    assert.deepEqual(parsed.reply.fieldErrors, {});
  });
});

describe("the zod error map", () => {
  const message = (schema: z.ZodType, value: unknown) => {
    const result = schema.safeParse(value);
    assert.equal(result.success, false);
    return result.error.issues[0]!.message;
  };

  it("rewrites zod's defaults into plain words", () => {
    assert.equal(message(z.string().max(200), "x".repeat(201)), "Write at most 200 characters.");
    assert.equal(message(z.string().max(1), "xy"), "Write at most 1 character.");
    assert.equal(message(z.string().min(5), "ab"), "Write at least 5 characters.");
    assert.equal(message(z.string().min(1), ""), "This is required.");
    assert.equal(message(z.string(), undefined), "This is required.");
    assert.equal(message(z.coerce.number().int(), "1.5"), "Enter a whole number.");
    assert.equal(message(z.number(), "many"), "Enter a number.");
    assert.equal(message(z.number().positive(), 0), "Enter a number above 0.");
    assert.equal(message(z.number().min(1).max(10), 11), "Enter 10 or less.");
    assert.equal(message(z.number().min(1), 0), "Enter 1 or more.");
    assert.equal(message(z.enum(["a", "b"]), "c"), "Choose one of the options.");
    assert.equal(message(z.enum(["a", "b"]), undefined), "This is required.");
    assert.equal(message(z.string().regex(/^\d+$/), "x"), "Enter it in the expected format.");
    assert.equal(message(z.email(), "not-mail"), "Enter an email address.");
    assert.equal(message(z.array(z.string()).max(2), ["a", "b", "c"]), "Choose at most 2.");
  });

  it("leaves a schema's own message alone", () => {
    assert.equal(message(z.string().max(3, "Keep it short."), "long"), "Keep it short.");
    assert.equal(message(z.enum(["a"], "Choose a gate."), "b"), "Choose a gate.");
  });
});

describe("replyFor", () => {
  const reply: FormReply = { status: "error", intent: "sign", target: "4", formError: "No.", fieldErrors: {} };

  it("picks the reply of that form, that instance", () => {
    assert.equal(replyFor(reply, "sign"), reply);
    assert.equal(replyFor(reply, ["tick", "sign"]), reply);
    assert.equal(replyFor(reply, "sign", 4), reply);
    assert.equal(replyFor(reply, "sign", "4"), reply);
  });

  it("ignores another form's reply, another row's, and anything that is not a reply", () => {
    assert.equal(replyFor(reply, "revoke"), undefined);
    assert.equal(replyFor(reply, "sign", 5), undefined);
    assert.equal(replyFor(reply, "sign", null), undefined);
    assert.equal(replyFor(undefined, "sign"), undefined);
    assert.equal(replyFor({ intent: "sign", imported: { rows: 1 } }, "sign"), undefined);
    assert.equal(replyFor({ ...reply, target: null }, "sign", null)?.intent, "sign");
  });
});

describe("attempt", () => {
  it("places an act's refusal on its field, or in the form's message", async () => {
    const onField = await attempt("tick", async () => {
      throw new ActError(400, "Write the pipeline's name.", "pipelineName");
    });
    assert.equal(onField?.init?.status, 400);
    assert.equal(onField?.data.formError, checkFields(1));
    assert.deepEqual(onField?.data.fieldErrors, { pipelineName: ["Write the pipeline's name."] });

    const whole = await attempt(
      "pass-gate",
      async () => {
        throw new ActError(409, "The zoning gate must pass first.");
      },
      undefined,
      "zoning"
    );
    assert.equal(whole?.init?.status, 409);
    assert.equal(whole?.data.formError, "The zoning gate must pass first.");
    assert.equal(whole?.data.target, "zoning");
    assert.equal(await attempt("x", async () => 1), null);
    await assert.rejects(
      attempt("x", async () => {
        throw new Error("disk full");
      }),
      /disk full/
    );
  });

  it("answers a stale revision with 409, the object now and the draft", async () => {
    const conflict = { basedOn: 1, revision: 2, savedBy: "A", savedAt: null, current: [], changes: null };
    const answer = await attempt(
      "edit-split",
      async () => {
        throw new RevisionConflictError("Someone saved first.", conflict);
      },
      { text: "mine" }
    );
    assert.equal(answer?.init?.status, 409);
    assert.deepEqual(answer?.data.conflict, conflict);
    assert.deepEqual(answer?.data.draft, { text: "mine" });
    assert.equal(answer?.data.formError, "Someone saved first.");
  });
});

describe("the confirmation cookie", () => {
  const key = randomBytes(32);
  const confirmation = { intent: "sign", target: null, message: "Your signoff is recorded.", path: "/plants/P1" };

  it("round-trips a confirmation, and refuses an altered, foreign, malformed or oversized value", () => {
    const value = encodeFlash(confirmation, key);
    assert.match(value, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeFlash(value, key), confirmation);
    const [payload, signature] = value.split(".");
    const forged = Buffer.from(JSON.stringify({ ...confirmation, message: "Pay here" })).toString("base64url");
    assert.equal(decodeFlash(`${forged}.${signature}`, key), null);
    assert.equal(decodeFlash(`${payload}.${signature}x`, key), null);
    assert.equal(decodeFlash(value, randomBytes(32)), null);
    assert.equal(decodeFlash("", key), null);
    assert.equal(decodeFlash("abc", key), null);
    assert.equal(decodeFlash(`${payload}.${signature}.more`, key), null);
    assert.equal(decodeFlash("x".repeat(FLASH_MAX_LENGTH + 1), key), null);
    const notJson = Buffer.from("{nope").toString("base64url");
    assert.equal(decodeFlash(`${notJson}.${sign(notJson, key)}`, key), null);
    const noMessage = Buffer.from(JSON.stringify({ intent: "sign" })).toString("base64url");
    assert.equal(decodeFlash(`${noMessage}.${sign(noMessage, key)}`, key), null);
  });

  it("bounds what it writes, so the cookie stays under the length it accepts", () => {
    const long = encodeFlash(
      { intent: "i".repeat(500), target: "t".repeat(500), message: "m".repeat(5000), path: `/${"p".repeat(900)}` },
      key
    );
    assert.ok(long.length <= FLASH_MAX_LENGTH, `${long.length}`);
    const back = decodeFlash(long, key);
    assert.ok(back);
    assert.ok(back.message.length <= 400 && back.message.endsWith("…"));
  });

  it("is set on the redirect, read once by the root loader and cleared", () => {
    const response = confirmed(
      new Request("http://localhost/plants/P1", { method: "POST" }),
      { intent: "sign", message: "Your signoff is recorded." },
      "/plants/P1#ownership"
    );
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("Location"), "/plants/P1#ownership");
    const setCookie = response.headers.get("Set-Cookie")!;
    assert.match(setCookie, new RegExp(`^${FLASH_COOKIE}=[^;]+; Max-Age=60; Path=/; HttpOnly; SameSite=Lax$`));
    const cookie = setCookie.split(";")[0]!;

    const next = new Request("http://localhost/plants/P1", { headers: { Cookie: `tracker_session=s; ${cookie}` } });
    const taken = takeConfirmation(next);
    assert.deepEqual(taken.confirmation, {
      intent: "sign",
      target: null,
      message: "Your signoff is recorded.",
      path: "/plants/P1",
    });
    assert.match(new Headers(taken.headers).get("Set-Cookie")!, /^flash=; Max-Age=0; Path=\//);
    assert.deepEqual(takeConfirmation(new Request("http://localhost/")), { confirmation: null, headers: {} });
    const bad = takeConfirmation(new Request("http://localhost/", { headers: { Cookie: "flash=garbage" } }));
    assert.equal(bad.confirmation, null);
    assert.match(new Headers(bad.headers).get("Set-Cookie")!, /Max-Age=0/);
  });
});

function sign(payload: string, key: Buffer): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}
