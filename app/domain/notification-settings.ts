import { IANAZone } from "luxon";
import { can, reachOf, type Principal } from "./permissions";

// The rules of the notification pages: which plants a person's notifications may show, which time zones a digest
// may be read in, where a notification may link to, and what a webhook endpoint may be.

/**
 * The plants whose notifications the person may see: null for every plant, else the ids they may read (a plant
 * engineer's assigned plants). A notification about any other plant is never shown, whoever it was written for.
 */
export function readablePlantIds(principal: Principal): number[] | null {
  const reach = reachOf(principal, "read:plant");
  if (reach === "all") return null;
  if (reach === null) return [];
  const candidates = new Set([...principal.assignedPlantIds, ...(principal.plantScope ?? [])]);
  return [...candidates].filter((plantId) => can(principal, "read:plant", plantId));
}

/** Whether luxon knows the zone by its IANA name ("Europe/Berlin", "UTC"). */
export function isKnownZone(zone: string): boolean {
  return zone.length <= 64 && IANAZone.isValidZone(zone);
}

/** The zones a person chooses their digest's from: UTC, every plant's, and their own if it is none of those. */
export function zoneChoices(plantZones: readonly string[], current: string | null): string[] {
  const zones = new Set(plantZones.filter(isKnownZone));
  zones.delete("UTC");
  if (current && current !== "UTC" && isKnownZone(current)) zones.add(current);
  return ["UTC", ...[...zones].sort()];
}

/** A notification's link as the page may follow it: a path inside the app, else null (never another site). */
export function localHref(href: string): string | null {
  if (!href.startsWith("/") || href.startsWith("//") || href.startsWith("/\\") || href.length > 500) return null;
  return [...href].some((c) => c.charCodeAt(0) <= 0x20 || c === "\u007f") ? null : href;
}

export const WEBHOOK_FORMATS = ["json", "slack", "teams"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export const WEBHOOK_FORMAT_LABELS: Readonly<Record<WebhookFormat, string>> = {
  json: "JSON (the tracker's own)",
  slack: "Slack incoming webhook",
  teams: "Microsoft Teams incoming webhook",
};

export const WEBHOOK_NAME_MAX = 120;
export const WEBHOOK_URL_MAX = 2000;

/** What is wrong with a webhook's address, in words, or null when it is an http(s) URL the tracker can post to. */
export function webhookUrlProblem(raw: string): string | null {
  if (raw.length === 0) return "Give the address the tracker posts to.";
  if (raw.length > WEBHOOK_URL_MAX) return `Keep the address to ${WEBHOOK_URL_MAX} characters or fewer.`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Write a whole address, starting with https:// or http://.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return "Only http:// and https:// addresses are posted to.";
  if (!url.hostname) return "The address names no host.";
  if (url.username || url.password) return "Leave the user name and password out of the address.";
  return null;
}

/** The outbox's states and channels, as the admin filters it (the columns' own values). */
export const OUTBOX_STATUSES = ["pending", "sending", "sent", "failed", "kept"] as const;
export const OUTBOX_CHANNELS = ["email", "webhook"] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];
