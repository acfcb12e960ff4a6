import { screensSuite } from "../support/screens-suite";

// Every page on a phone, a tablet and a desktop as the program lead and the executive, and the checks of single
// pages (test/support/screens-suite.ts). The other roles are in screens-field.test.ts and screens-admin.test.ts, so
// that each file stays well inside the runner's time for one file.

screensSuite("lead, executive", ["program_lead", "executive"], true);
