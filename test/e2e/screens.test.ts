import { screensSuite } from "../support/screens-suite";

// Every page on a phone, a tablet and a desktop as the program lead, the executive and a plant engineer, and the
// checks of single pages (test/support/screens-suite.ts); test/e2e/screens-other-roles.test.ts has the other roles.

screensSuite("lead, executive, engineer", ["program_lead", "executive", "plant_engineer"], true);
