import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, settled } from "../support/browser";
import { tempDir } from "../support/database";
import { TEST_PASSWORD } from "../support/people";
import { startServer, type RunningServer } from "../support/server";

// A real Chromium reaching the server over plain HTTP by a name other than this machine's own, as a colleague's
// browser would on the plant network: it refuses the Secure session cookie, and the sign-in page says so and
// what to set, before and after a sign-in whose password was right. The name is mapped to 127.0.0.1 inside the
// browser only.

const dir = tempDir();
const NAME = "tracker.plant.test";
let server: RunningServer;
let browser: Browser;

before(async () => {
  [server, browser] = await Promise.all([
    startServer({ DATABASE_PATH: path.join(dir, "tracker.db"), DEMO_PASSWORD: TEST_PASSWORD }),
    launchBrowser([`--host-resolver-rules=MAP ${NAME} 127.0.0.1`]),
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("signing in over plain HTTP by the server's network name", () => {
  it("says why the browser stays on the sign-in page, and what to set", async () => {
    const base = `http://${NAME}:${new URL(server.url).port}`;
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/login`);
      const notice = page.getByRole("alert");
      await notice.waitFor();
      assert.match(await notice.innerText(), /Signing in will bring you back to this page/);

      await page.getByLabel("Email").fill("lead@demo.test");
      await page.getByLabel("Password").fill(TEST_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/login\?session=check/);
      await settled(page);
      assert.match(
        await page.getByRole("alert").innerText(),
        /Your email and password were accepted, but your browser did not keep the session.*COOKIE_SECURE=false/s
      );
      const cookies = await page.context().cookies();
      assert.deepEqual(
        cookies.filter((cookie) => cookie.name === "tracker_session"),
        [],
        "the browser refused the cookie"
      );
    } finally {
      await page.close();
    }
  });
});
