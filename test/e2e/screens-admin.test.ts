import { screensSuite } from "../support/screens-suite";

// Every page on a phone, a tablet and a desktop as the admin and signed out (test/support/screens-suite.ts).

screensSuite("admin, signed out", ["admin", null], false);
