import { markAllNotificationsRead, markNotificationRead } from "~/models/notification-inbox.server";
import type { Actor } from "~/utils/actor";
import type { getDb } from "~/utils/db.server";
import { defineIntent, type IntentHandlers } from "~/utils/forms.server";
import { z } from "~/utils/zod";

// The acts of a person's notifications list: reading one, or all of them. Each is the person's own (the model finds
// the notification among those shown to them, 404 otherwise), audited, and lands back on the list as it was.

export interface InboxActContext {
  db: ReturnType<typeof getDb>;
  user: Actor;
  /** The list's query the form was posted from (its filter and page). */
  search: string;
  /** How many the last "mark all" read, for its confirmation. */
  marked?: number;
}

const back = ({ search }: InboxActContext) => `/me/notifications${search}#notifications-title`;

export const inboxIntents: IntentHandlers<InboxActContext> = {
  "mark-read": defineIntent({
    targetField: "notificationId",
    schema: z.object({
      notificationId: z.coerce.number("Choose a notification.").int().positive("Choose a notification."),
    }),
    act: ({ notificationId }, { db, user }: InboxActContext) => markNotificationRead(db, user, notificationId),
    confirm: () => "Marked read.",
    location: back,
  }),
  "mark-all-read": defineIntent({
    schema: z.object({}),
    act: async (_input, ctx: InboxActContext) => {
      ctx.marked = await markAllNotificationsRead(ctx.db, ctx.user);
    },
    confirm: (_input, { marked = 0 }) =>
      `${marked.toLocaleString("en-US")} ${marked === 1 ? "notification" : "notifications"} marked read.`,
    location: back,
  }),
};
