import { parseArgs } from "node:util";
import { previewDigest } from "../app/models/notifier.server";
import { closeDb, getDb } from "../app/utils/db.server";
import { migrateToLatest } from "../db/migrate";

// `npm run notify:preview -- --email PERSON`: what that person's digest would say now, written nowhere.

const USAGE = "Usage: npm run notify:preview -- --email PERSON";

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { email: { type: "string" } }, strict: true });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}. ${USAGE}`, 2);
  }
})();

const email = values.email?.trim() ?? "";
if (email === "") fail(`--email is required: whose digest to preview. ${USAGE}`, 2);
if (email.length > 320) fail("--email is longer than an e-mail address can be (320 characters).", 2);

try {
  const db = getDb();
  await migrateToLatest(db);
  const preview = await previewDigest(db, email, new Date());
  if (!preview) fail(`No active person has the e-mail “${email}”.`, 2);
  if (preview.stored + preview.added === 0) {
    console.log(
      `Nothing waits for ${preview.name} <${preview.email}>: no digest would be sent today (${preview.day}).`
    );
  } else {
    console.log(`To: ${preview.name} <${preview.email}>`);
    console.log(`Subject: ${preview.subject}`);
    console.log("");
    console.log(preview.text);
  }
  await closeDb();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
