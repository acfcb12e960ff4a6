import { KIND_INFO, NOTIFICATION_KINDS, type NotificationKind } from "./notifications";

// What a notification says once it leaves the app: the immediate e-mail of an urgent notice, each person's daily
// digest, and the body posted to a webhook in the endpoint's format. Every item links to where its work is done, by
// an absolute address (the base URL is the caller's: this module reads no environment).

/** One notification as the messages show it. */
export interface MessageItem {
  kind: NotificationKind;
  plantCode: string | null;
  title: string;
  body: string;
  /** A path inside the app ("/plants/KOK/conduits/12#sign"). */
  href: string;
  urgent: boolean;
  /** ISO-8601 instant the notification was written. */
  createdAt: string;
}

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
}

export const WEBHOOK_FORMATS = ["json", "slack", "teams"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Longest stored title, body and link of a notification; longer ones are cut with an ellipsis. */
export const MAX_TITLE_LENGTH = 200;
export const MAX_BODY_LENGTH = 2000;
export const MAX_HREF_LENGTH = 500;
/** A digest lists at most this many items in full, and counts the rest. */
export const MAX_DIGEST_ITEMS = 100;
const PRODUCT = "Segmentation Tracker";

/** The text cut to at most `max` characters, ending with an ellipsis when it was cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * The absolute address of a path inside the app. Anything that is not a path of this app (a scheme, "//host") is
 * read as a path under the base, so a message never links outside it.
 */
export function absoluteUrl(baseUrl: string, href: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  const path = href.startsWith("/") && !href.startsWith("//") ? href : `/${href.replace(/^[/\\]+/, "")}`;
  return `${base}${path}`;
}

function plantPrefix(item: MessageItem): string {
  return item.plantCode ? `${item.plantCode}: ` : "";
}

const STYLE = {
  body: "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1b1f24;margin:0;padding:16px",
  h1: "font-size:18px;margin:0 0 12px",
  h2: "font-size:16px;margin:20px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px",
  item: "margin:0 0 12px",
  plant: "display:inline-block;font-weight:bold;color:#57606a;margin-right:6px",
  link: "color:#0b5cad;font-weight:bold",
  text: "margin:2px 0 0;color:#1b1f24",
  footer: "margin-top:24px;padding-top:8px;border-top:1px solid #d0d7de;font-size:13px;color:#57606a",
  urgent: "color:#a40e26;font-weight:bold",
};

function htmlDocument(title: string, inner: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(
    title
  )}</title></head><body style="${STYLE.body}">${inner}</body></html>`;
}

function htmlItem(item: MessageItem, baseUrl: string): string {
  const url = absoluteUrl(baseUrl, item.href);
  const plant = item.plantCode ? `<span style="${STYLE.plant}">${escapeHtml(item.plantCode)}</span>` : "";
  return `<div style="${STYLE.item}">${plant}<a href="${escapeHtml(url)}" style="${STYLE.link}">${escapeHtml(
    clip(item.title, MAX_TITLE_LENGTH)
  )}</a><p style="${STYLE.text}">${escapeHtml(clip(item.body, MAX_BODY_LENGTH))}</p></div>`;
}

function footerLinks(baseUrl: string): { list: string; settings: string } {
  return { list: absoluteUrl(baseUrl, "/me/notifications"), settings: absoluteUrl(baseUrl, "/me/settings") };
}

function textFooter(baseUrl: string): string {
  const links = footerLinks(baseUrl);
  return [
    // The plain-text signature separator: mail readers set what follows apart.
    "-- ",
    `All your notifications: ${links.list}`,
    `Choose what you are told, how, and when: ${links.settings}`,
  ].join("\n");
}

function htmlFooter(baseUrl: string): string {
  const links = footerLinks(baseUrl);
  return `<p style="${STYLE.footer}"><a href="${escapeHtml(
    links.list
  )}">All your notifications</a> · <a href="${escapeHtml(
    links.settings
  )}">Choose what you are told, how, and when</a></p>`;
}

/** The e-mail sent at once for one urgent notification. */
export function composeImmediateEmail(item: MessageItem, baseUrl: string): ComposedEmail {
  const title = clip(item.title, MAX_TITLE_LENGTH);
  const url = absoluteUrl(baseUrl, item.href);
  const label = KIND_INFO[item.kind].label;
  const subject = clip(`${item.urgent ? "[Urgent] " : ""}${plantPrefix(item)}${title}`, MAX_TITLE_LENGTH);
  const text = [
    `${label}${item.plantCode ? ` at ${item.plantCode}` : ""}`,
    "",
    title,
    clip(item.body, MAX_BODY_LENGTH),
    "",
    `Do it here: ${url}`,
    "",
    textFooter(baseUrl),
  ].join("\n");
  const html = htmlDocument(
    subject,
    `<h1 style="${STYLE.h1}">${item.urgent ? `<span style="${STYLE.urgent}">Urgent:</span> ` : ""}${escapeHtml(
      label
    )}</h1>${htmlItem(item, baseUrl)}${htmlFooter(baseUrl)}`
  );
  return { subject, text, html };
}

/** The digest's items grouped by kind (in the catalogue's order), each group by plant code, then oldest first. */
export function groupDigest(items: readonly MessageItem[]): { kind: NotificationKind; items: MessageItem[] }[] {
  const groups: { kind: NotificationKind; items: MessageItem[] }[] = [];
  for (const kind of NOTIFICATION_KINDS) {
    const ofKind = items
      .filter((item) => item.kind === kind)
      .sort(
        (a, b) =>
          (a.plantCode ?? "").localeCompare(b.plantCode ?? "") ||
          a.createdAt.localeCompare(b.createdAt) ||
          a.title.localeCompare(b.title)
      );
    if (ofKind.length > 0) groups.push({ kind, items: ofKind });
  }
  return groups;
}

/**
 * One person's daily digest for `day` (their local ISO date): every item grouped by kind, each linking to where it
 * is done, and a footer linking their notifications and their preferences. At most MAX_DIGEST_ITEMS are listed; the
 * rest are counted and wait in the list in the app.
 */
export function composeDigest(
  person: { name: string },
  day: string,
  items: readonly MessageItem[],
  baseUrl: string
): ComposedEmail {
  const listed = groupDigest(items.slice(0, MAX_DIGEST_ITEMS));
  const more = Math.max(0, items.length - MAX_DIGEST_ITEMS);
  const count = items.length === 1 ? "1 thing waits for you" : `${items.length} things wait for you`;
  const subject = `${PRODUCT} digest for ${day}: ${count}`;
  const greeting = `Hello ${clip(person.name, 100)}: ${count} in the segmentation program.`;
  const moreText = more > 0 ? `…and ${more} more in the app: ${footerLinks(baseUrl).list}` : null;

  const textLines = [greeting];
  for (const group of listed) {
    const heading = `${KIND_INFO[group.kind].label} (${group.items.length})`;
    textLines.push("", heading, "-".repeat(heading.length));
    for (const item of group.items) {
      textLines.push(
        `* ${plantPrefix(item)}${clip(item.title, MAX_TITLE_LENGTH)}`,
        `  ${clip(item.body, MAX_BODY_LENGTH)}`,
        `  ${absoluteUrl(baseUrl, item.href)}`
      );
    }
  }
  if (moreText) textLines.push("", moreText);
  textLines.push("", textFooter(baseUrl));

  const sections = listed
    .map(
      (group) =>
        `<h2 style="${STYLE.h2}">${escapeHtml(KIND_INFO[group.kind].label)} (${group.items.length})</h2>${group.items
          .map((item) => htmlItem(item, baseUrl))
          .join("")}`
    )
    .join("");
  const moreHtml = moreText
    ? `<p>…and ${more} more in the app: <a href="${escapeHtml(footerLinks(baseUrl).list)}">your notifications</a>.</p>`
    : "";
  const html = htmlDocument(
    subject,
    `<h1 style="${STYLE.h1}">${escapeHtml(greeting)}</h1>${sections}${moreHtml}${htmlFooter(baseUrl)}`
  );
  return { subject, text: textLines.join("\n"), html };
}

/** What a webhook is told of one fact. */
export interface WebhookFact extends MessageItem {
  /** The fact's key: the same fact is posted once per endpoint, whoever it concerns. */
  factKey: string;
}

/** Slack escapes: "&", "<" and ">" are its markup (links, mentions such as <!channel>). */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack's limits: a header's text 150 characters, a section's 3000. */
const SLACK_HEADER_MAX = 150;
const SLACK_SECTION_MAX = 3000;

/**
 * The JSON body posted to a webhook for one fact, in the endpoint's format: "json" the tracker's own shape, "slack"
 * a Slack incoming webhook's message (text fallback and Block Kit blocks), "teams" a Microsoft Teams incoming
 * webhook's message carrying one Adaptive Card.
 */
export function composeWebhookPayload(format: WebhookFormat, fact: WebhookFact, baseUrl: string): unknown {
  const title = clip(fact.title, MAX_TITLE_LENGTH);
  const body = clip(fact.body, MAX_BODY_LENGTH);
  const url = absoluteUrl(baseUrl, fact.href);
  const label = KIND_INFO[fact.kind].label;
  const heading = `${fact.urgent ? "Urgent: " : ""}${plantPrefix(fact)}${title}`;
  switch (format) {
    case "json":
      return {
        id: fact.factKey,
        kind: fact.kind,
        plant: fact.plantCode,
        title,
        body,
        url,
        urgent: fact.urgent,
        createdAt: fact.createdAt,
      };
    case "slack":
      return {
        text: `${slackEscape(heading)} <${slackEscape(url)}|Open>`,
        blocks: [
          { type: "header", text: { type: "plain_text", text: clip(heading, SLACK_HEADER_MAX), emoji: false } },
          {
            type: "section",
            text: {
              type: "mrkdwn",
              text: clip(`${slackEscape(body)}\n<${slackEscape(url)}|Open in ${PRODUCT}>`, SLACK_SECTION_MAX),
            },
          },
          {
            type: "context",
            elements: [
              { type: "mrkdwn", text: slackEscape(`${label}${fact.plantCode ? ` · ${fact.plantCode}` : ""}`) },
            ],
          },
        ],
      };
    case "teams":
      return {
        type: "message",
        attachments: [
          {
            contentType: "application/vnd.microsoft.card.adaptive",
            contentUrl: null,
            content: {
              $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
              type: "AdaptiveCard",
              version: "1.2",
              body: [
                {
                  type: "TextBlock",
                  text: heading,
                  weight: "Bolder",
                  size: "Medium",
                  wrap: true,
                  ...(fact.urgent ? { color: "Attention" } : {}),
                },
                { type: "TextBlock", text: body, wrap: true },
                {
                  type: "TextBlock",
                  text: `${label}${fact.plantCode ? ` · ${fact.plantCode}` : ""}`,
                  isSubtle: true,
                  size: "Small",
                  wrap: true,
                },
              ],
              actions: [{ type: "Action.OpenUrl", title: `Open in ${PRODUCT}`, url }],
            },
          },
        ],
      };
  }
}
