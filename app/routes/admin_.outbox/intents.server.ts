import { retryOutboxMessage } from "~/models/notification-admin.server";
import type { Actor } from "~/utils/actor";
import { readMailSettings } from "~/utils/mailer.server";
import type { getDb } from "~/utils/db.server";
import { defineIntent, type IntentHandlers } from "~/utils/forms.server";
import { z } from "~/utils/zod";

// The outbox's act: sending a failed message (or a kept e-mail, once a mail server is set) again (the worker takes it on its next pass). Audited; it lands back
// on the list as the admin had it, filters and page kept.

export interface OutboxActContext {
  db: ReturnType<typeof getDb>;
  user: Actor;
  search: string;
}

export const outboxIntents: IntentHandlers<OutboxActContext> = {
  "retry-message": defineIntent({
    targetField: "messageId",
    schema: z.object({
      messageId: z.coerce.number("Choose a message.").int("Choose a message.").positive("Choose a message."),
    }),
    act: ({ messageId }, { db, user }: OutboxActContext) =>
      retryOutboxMessage(db, user, messageId, new Date(), { mailServer: readMailSettings() !== null }),
    confirm: () => "The message waits to be sent again; the worker takes it on its next pass.",
    location: ({ search }) => `/admin/outbox${search}#outbox-title`,
  }),
};
