import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isKnownZone,
  localHref,
  readablePlantIds,
  webhookUrlProblem,
  zoneChoices,
} from "../../app/domain/notification-settings";
import { can } from "../../app/domain/permissions";

describe("which plants a person's notifications may show", () => {
  it("is every plant for a role that reads them all, the assigned ones for a plant engineer, none for the admin", () => {
    assert.equal(readablePlantIds({ role: "program_lead", assignedPlantIds: [], plantScope: null }), null);
    assert.equal(readablePlantIds({ role: "executive", assignedPlantIds: [], plantScope: null }), null);
    assert.deepEqual(readablePlantIds({ role: "plant_engineer", assignedPlantIds: [3, 7], plantScope: null }), [3, 7]);
    assert.deepEqual(readablePlantIds({ role: "admin", assignedPlantIds: [3], plantScope: null }), []);
  });

  it("agrees with can() for a token limited to some plants", () => {
    const principal = { role: "corporate_security" as const, assignedPlantIds: [1], plantScope: [2] };
    const ids = readablePlantIds(principal);
    assert.deepEqual(ids, [2]);
    for (const plantId of [1, 2, 3]) assert.equal(ids.includes(plantId), can(principal, "read:plant", plantId));
  });
});

describe("time zones for the digest", () => {
  it("offers UTC first, then each known plant zone once, and the person's own", () => {
    assert.deepEqual(
      zoneChoices(["Europe/Berlin", "America/Chicago", "Europe/Berlin", "UTC", "Nowhere/Land"], "Asia/Tokyo"),
      ["UTC", "America/Chicago", "Asia/Tokyo", "Europe/Berlin"]
    );
    assert.deepEqual(zoneChoices([], null), ["UTC"]);
  });

  it("knows IANA zones and refuses anything else", () => {
    assert.equal(isKnownZone("Europe/Berlin"), true);
    assert.equal(isKnownZone("UTC"), true);
    assert.equal(isKnownZone("Mars/Olympus"), false);
    assert.equal(isKnownZone(`Europe/${"x".repeat(80)}`), false);
  });
});

describe("a notification's link", () => {
  it("is followed only when it is a path inside the app", () => {
    assert.equal(localHref("/plants/DAY/conduits/12#sign"), "/plants/DAY/conduits/12#sign");
    for (const href of [
      "https://evil.example/",
      "//evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
      "/a b",
      "/a\tb",
    ]) {
      assert.equal(localHref(href), null, href);
    }
  });
});

describe("a webhook's address", () => {
  it("is an http(s) URL without credentials, bounded", () => {
    assert.equal(webhookUrlProblem("https://hooks.slack.com/services/T/B/X"), null);
    assert.equal(webhookUrlProblem("http://receiver.local:8080/hook"), null);
    assert.match(webhookUrlProblem("ftp://files.example.com/")!, /Only http/);
    assert.match(webhookUrlProblem("hooks.example.com/x")!, /whole address/);
    assert.match(webhookUrlProblem("https://user:pw@hooks.example.com/")!, /user name and password/);
    assert.match(webhookUrlProblem(`https://hooks.example.com/${"a".repeat(2000)}`)!, /2000 characters/);
    assert.match(webhookUrlProblem("")!, /Give the address/);
  });
});
