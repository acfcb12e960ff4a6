import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium, headless, with the flags that keep it off the (closed) network, and any `extraArgs`. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      ...extraArgs,
    ],
  });
}

/** Signs in through the real form, as a person would. */
export async function signInInBrowser(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  await settled(page);
}

/** Waits until Remix has finished the current client-side navigation (immediate when JavaScript is off). */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("load");
  await page.waitForFunction(() => {
    const router = (window as unknown as { __remixRouter?: { state: { navigation: { state: string } } } })
      .__remixRouter;
    return !router || router.state.navigation.state === "idle";
  });
  // React commits the new route's render after the router settles; two frames later it is on screen.
  await page.evaluate(() =>
    "__remixRouter" in window
      ? new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
      : null
  );
}

/**
 * A browser context of its own, signed in as `email`, collecting its script errors. `refusedStatus` is the status of
 * the refusal the test expects (a 409 conflict, a 400 form): Chromium logs every 4xx fetch as an error.
 */
export async function signedInContext(
  browser: Browser,
  baseUrl: string,
  email: string,
  options: { password: string; javaScriptEnabled?: boolean; refusedStatus: number; bypassCSP?: boolean }
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    // The accessibility scan is a script the page's policy would refuse.
    bypassCSP: options.bypassCSP ?? false,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().includes(`status of ${options.refusedStatus}`)) {
      errors.push(message.text());
    }
  });
  await signInInBrowser(page, baseUrl, email, options.password);
  return { context, page, errors };
}
