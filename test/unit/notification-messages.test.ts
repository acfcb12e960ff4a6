import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  absoluteUrl,
  clip,
  composeDigest,
  composeImmediateEmail,
  composeWebhookPayload,
  groupDigest,
  MAX_DIGEST_ITEMS,
  MAX_TITLE_LENGTH,
  type MessageItem,
} from "../../app/domain/notification-messages";
import { KIND_INFO } from "../../app/domain/notifications";

const BASE = "https://tracker.example.com/";

function item(overrides: Partial<MessageItem> = {}): MessageItem {
  return {
    kind: "window.soon",
    plantCode: "KOK",
    title: "Outage window tonight",
    body: "Window W-3 starts at 22:00 plant time.",
    href: "/plants/KOK/windows/3",
    urgent: true,
    createdAt: "2026-12-06T08:00:00.000Z",
    ...overrides,
  };
}

/** Every href="…" of an HTML text. */
function links(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
}

describe("absolute links", () => {
  it("joins the base and a path with exactly one slash", () => {
    assert.equal(absoluteUrl(BASE, "/me"), "https://tracker.example.com/me");
    assert.equal(absoluteUrl("http://localhost:3000", "/plants/KOK#x"), "http://localhost:3000/plants/KOK#x");
  });

  it("never links outside the app, whatever the href says", () => {
    assert.equal(absoluteUrl(BASE, "//evil.example/x"), "https://tracker.example.com/evil.example/x");
    assert.equal(absoluteUrl(BASE, "javascript:alert(1)"), "https://tracker.example.com/javascript:alert(1)");
    assert.ok(absoluteUrl(BASE, "https://evil.example").startsWith("https://tracker.example.com/"));
  });
});

describe("the immediate e-mail", () => {
  it("escapes what the notice says in the HTML and keeps it readable in the text", () => {
    const mail = composeImmediateEmail(
      item({ title: `<script>alert("x")</script> & co`, body: "a < b > c 'quoted'", href: '/plants/KOK?a=1&b="2"' }),
      BASE
    );
    assert.ok(!mail.html.includes("<script>"));
    assert.ok(mail.html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"));
    assert.ok(mail.html.includes("a &lt; b &gt; c &#39;quoted&#39;"));
    assert.ok(mail.text.includes(`<script>alert("x")</script> & co`));
    assert.ok(mail.text.includes('https://tracker.example.com/plants/KOK?a=1&b="2"'));
    assert.ok(links(mail.html).includes('https://tracker.example.com/plants/KOK?a=1&b="2"'));
  });

  it("links only absolute addresses of the app: the item, the list and the preferences", () => {
    const mail = composeImmediateEmail(item(), BASE);
    assert.deepEqual(links(mail.html), [
      "https://tracker.example.com/plants/KOK/windows/3",
      "https://tracker.example.com/me/notifications",
      "https://tracker.example.com/me/settings",
    ]);
    assert.match(mail.text, /Do it here: https:\/\/tracker\.example\.com\/plants\/KOK\/windows\/3/);
    assert.equal(mail.subject, "[Urgent] KOK: Outage window tonight");
  });

  it("cuts an overlong title and body", () => {
    const mail = composeImmediateEmail(item({ title: "t".repeat(5000), body: "b".repeat(50_000) }), BASE);
    assert.ok(mail.subject.length <= MAX_TITLE_LENGTH);
    assert.ok(mail.text.length < 5000);
    assert.ok(mail.html.length < 6000);
    assert.equal(clip("abcdef", 4), "abc…");
    assert.equal(clip("abc", 4), "abc");
  });
});

describe("the daily digest", () => {
  const items = [
    item({ kind: "gate.ready", plantCode: "ZZZ", title: "Gate ready at ZZZ", href: "/plants/ZZZ", urgent: false }),
    item({ kind: "signoff.needed", plantCode: "KOK", title: "Sign conduit A", href: "/plants/KOK/conduits/1" }),
    item({ kind: "gate.ready", plantCode: "AAA", title: "Gate ready at AAA", href: "/plants/AAA", urgent: false }),
    item({ kind: "signoff.needed", plantCode: null, title: "Sign the program split", href: "/program" }),
  ];

  it("groups by kind in the catalogue's order, then by plant code", () => {
    const groups = groupDigest(items);
    assert.deepEqual(
      groups.map((g) => [g.kind, g.items.map((i) => i.plantCode)]),
      [
        ["signoff.needed", [null, "KOK"]],
        ["gate.ready", ["AAA", "ZZZ"]],
      ]
    );
  });

  it("says each group's label, links every item absolutely and ends with the list and the preferences", () => {
    const digest = composeDigest({ name: "Dana <Lead>" }, "2026-12-06", items, BASE);
    assert.equal(digest.subject, "Segmentation Tracker digest for 2026-12-06: 4 things wait for you");
    const signoff = digest.text.indexOf(KIND_INFO["signoff.needed"].label);
    const gate = digest.text.indexOf(KIND_INFO["gate.ready"].label);
    assert.ok(signoff > 0 && gate > signoff);
    assert.ok(digest.text.indexOf("AAA: Gate ready at AAA") < digest.text.indexOf("ZZZ: Gate ready at ZZZ"));
    assert.deepEqual(links(digest.html), [
      "https://tracker.example.com/program",
      "https://tracker.example.com/plants/KOK/conduits/1",
      "https://tracker.example.com/plants/AAA",
      "https://tracker.example.com/plants/ZZZ",
      "https://tracker.example.com/me/notifications",
      "https://tracker.example.com/me/settings",
    ]);
    for (const href of ["/program", "/plants/KOK/conduits/1", "/me/notifications", "/me/settings"]) {
      assert.ok(digest.text.includes(`https://tracker.example.com${href}`), href);
    }
    assert.ok(digest.html.includes("Dana &lt;Lead&gt;"));
    assert.ok(!digest.html.includes("<Lead>"));
  });

  it("lists at most its bound and counts the rest", () => {
    const many = Array.from({ length: MAX_DIGEST_ITEMS + 7 }, (_, i) =>
      item({ kind: "triage.staged", title: `Hosts ${i}`, href: `/plants/KOK/triage?i=${i}`, urgent: false })
    );
    const digest = composeDigest({ name: "Eng" }, "2026-12-06", many, BASE);
    assert.equal(digest.text.match(/^\* /gm)!.length, MAX_DIGEST_ITEMS);
    assert.match(digest.text, /…and 7 more in the app/);
    assert.match(digest.subject, new RegExp(`${MAX_DIGEST_ITEMS + 7} things`));
  });
});

describe("webhook payloads", () => {
  const fact = { ...item({ title: "Window <tonight> & <!channel>" }), factKey: "window.soon|window:3|2026-12-06" };

  it("json: the tracker's own shape", () => {
    assert.deepEqual(composeWebhookPayload("json", fact, BASE), {
      id: "window.soon|window:3|2026-12-06",
      kind: "window.soon",
      plant: "KOK",
      title: "Window <tonight> & <!channel>",
      body: "Window W-3 starts at 22:00 plant time.",
      url: "https://tracker.example.com/plants/KOK/windows/3",
      urgent: true,
      createdAt: "2026-12-06T08:00:00.000Z",
    });
  });

  it("slack: a text fallback and Block Kit blocks, with Slack's markup escaped", () => {
    const payload = composeWebhookPayload("slack", fact, BASE) as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string } }[];
    };
    assert.equal(typeof payload.text, "string");
    assert.ok(!payload.text.includes("<!channel>"));
    assert.ok(payload.text.includes("&lt;!channel&gt;"));
    assert.ok(payload.text.includes("<https://tracker.example.com/plants/KOK/windows/3|Open>"));
    assert.deepEqual(
      payload.blocks.map((b) => b.type),
      ["header", "section", "context"]
    );
    assert.equal(payload.blocks[0]!.text!.type, "plain_text");
    assert.ok(payload.blocks[0]!.text!.text.length <= 150);
    assert.equal(payload.blocks[1]!.text!.type, "mrkdwn");
    assert.match(payload.blocks[1]!.text!.text, /<https:\/\/tracker\.example\.com\/plants\/KOK\/windows\/3\|Open in/);
    const long = composeWebhookPayload("slack", { ...fact, title: "x".repeat(1000) }, BASE) as typeof payload;
    assert.ok(long.blocks[0]!.text!.text.length <= 150);
  });

  it("teams: a message carrying one Adaptive Card that opens the item", () => {
    const payload = composeWebhookPayload("teams", fact, BASE) as {
      type: string;
      attachments: {
        contentType: string;
        contentUrl: null;
        content: {
          type: string;
          version: string;
          body: { type: string; text: string }[];
          actions: { type: string; url: string }[];
        };
      }[];
    };
    assert.equal(payload.type, "message");
    assert.equal(payload.attachments.length, 1);
    const [attachment] = payload.attachments;
    assert.equal(attachment!.contentType, "application/vnd.microsoft.card.adaptive");
    assert.equal(attachment!.content.type, "AdaptiveCard");
    assert.match(attachment!.content.version, /^1\.\d$/);
    assert.ok(attachment!.content.body.every((block) => block.type === "TextBlock" && block.text.length > 0));
    assert.deepEqual(attachment!.content.actions, [
      {
        type: "Action.OpenUrl",
        title: "Open in Segmentation Tracker",
        url: "https://tracker.example.com/plants/KOK/windows/3",
      },
    ]);
  });
});
