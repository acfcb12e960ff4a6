import { screensSuite } from "../support/screens-suite";

// Every page on a phone, a tablet and a desktop as corporate security, the admin and signed out
// (test/support/screens-suite.ts); test/e2e/screens.test.ts has the other roles and the checks of single pages.

screensSuite("security, admin, signed out", ["corporate_security", "admin", null], false);
