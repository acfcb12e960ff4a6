import { screensSuite } from "../support/screens-suite";

// Every page on a phone, a tablet and a desktop as a plant engineer and as corporate security
// (test/support/screens-suite.ts).

screensSuite("engineer, security", ["plant_engineer", "corporate_security"], false);
