import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { TableScroll } from "~/components/DataTable";
import { ActForm, Confirmation, Field, replyFor } from "~/components/forms";
import { isKnownZone, zoneChoices } from "~/domain/notification-settings";
import { CHANNELS, DIGEST_TIME_PATTERN, KIND_INFO, NOTIFICATION_KINDS, preferenceKey } from "~/domain/notifications";
import { requireUserWith } from "~/http/auth.server";
import { loadNotificationSettings, plantZones, saveNotificationSettings } from "~/models/notification-settings.server";
import { getDb } from "~/utils/db.server";
import { ActError } from "~/utils/errors";
import { answer, confirmed, parseForm, refuse, replyForError } from "~/utils/forms.server";
import { z } from "~/utils/zod";

// /me/settings: the signed-in person's notification choices: each kind on or off in the app and by e-mail, and the
// time (in their zone) their daily digest is sent. One form, one act, audited with what changed.

const INTENT = "save-notification-preferences";

const SettingsSchema = z.object({
  digestTime: z
    .string("Write the time as HH:MM, e.g. 07:00.")
    .trim()
    .regex(DIGEST_TIME_PATTERN, "Write the time as HH:MM (00:00 to 23:59), e.g. 07:00."),
  timeZone: z
    .string("Choose a time zone from the list.")
    .max(64, "Choose a time zone from the list.")
    .refine((zone) => zone === "" || isKnownZone(zone), "Choose a time zone from the list.")
    .transform((zone) => (zone === "" ? null : zone)),
});

const CHANNEL_LABELS = { app: "In the app", email: "By e-mail" } as const;
const ALL_KEYS = NOTIFICATION_KINDS.flatMap((kind) => CHANNELS.map((channel) => preferenceKey(kind, channel)));

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, "read:program");
  const db = getDb();
  const [settings, zones] = await Promise.all([loadNotificationSettings(db, user.personId ?? -1), plantZones(db)]);
  return { settings, zones: zoneChoices(zones, settings.timeZone) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUserWith(request, "read:program");
  const form = await request.formData();
  if (form.get("intent") !== INTENT)
    return refuse(INTENT, 400, "The form was not recognized; reload the page and try again.");
  const enabled = ALL_KEYS.filter((key) => form.get(key) === "on");
  // A refused form shows what was chosen again, not what is stored.
  const draft = {
    digestTime: String(form.get("digestTime") ?? "").slice(0, 20),
    timeZone: String(form.get("timeZone") ?? "").slice(0, 64),
    enabled: enabled.join(","),
  };
  const parsed = parseForm(
    SettingsSchema,
    { digestTime: form.get("digestTime"), timeZone: form.get("timeZone") },
    INTENT
  );
  if (!parsed.ok) return answer({ ...parsed.reply, draft });
  try {
    await saveNotificationSettings(getDb(), user, { ...parsed.data, enabled });
  } catch (error) {
    if (!(error instanceof ActError)) throw error;
    return answer({ ...replyForError(error, INTENT), draft }, error.status);
  }
  return confirmed(
    request,
    { intent: INTENT, message: "Your notification choices are saved." },
    "/me/settings#notification-settings-title"
  );
}

export default function MySettings() {
  const { settings, zones } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { key } = useLocation();
  const draft = replyFor(reply, INTENT)?.draft;
  const enabled = new Set(draft ? draft.enabled?.split(",") ?? [] : settings.enabled);
  const timeZone = draft ? draft.timeZone : settings.timeZone ?? "";
  return (
    <>
      <div className="page-head">
        <div>
          <nav aria-label="Breadcrumb" className="eyebrow">
            <Link to="/me/notifications">My notifications</Link> / Settings
          </nav>
          <h1>My notification settings</h1>
          <p className="lede">
            What the tracker tells you, where, and when your daily e-mail digest arrives. Urgent notices (a window
            within a day, a silent sensor) are mailed at once; the rest wait for the digest.
          </p>
        </div>
      </div>
      <section className="panel" aria-labelledby="notification-settings-title">
        <h2 id="notification-settings-title">Notifications</h2>
        <Confirmation intents={INTENT} />
        <ActForm
          key={key}
          intent="save-notification-preferences"
          id="notification-settings"
          reply={reply}
          className="stacked"
        >
          <TableScroll labelledBy="notification-kinds-caption">
            <table className="preference-table">
              <caption id="notification-kinds-caption">Each kind of notice, on or off per channel</caption>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  {CHANNELS.map((channel) => (
                    <th scope="col" key={channel}>
                      {CHANNEL_LABELS[channel]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {NOTIFICATION_KINDS.map((kind) => (
                  <tr key={kind}>
                    <th scope="row">
                      {KIND_INFO[kind].label}
                      <div className="muted">{KIND_INFO[kind].description}</div>
                    </th>
                    {CHANNELS.map((channel) => {
                      const name = preferenceKey(kind, channel);
                      return (
                        <td key={channel} data-label={CHANNEL_LABELS[channel]}>
                          <label className="check">
                            <input type="checkbox" name={name} defaultChecked={enabled.has(name)} />
                            <span className="visually-hidden">
                              {KIND_INFO[kind].label}: {CHANNEL_LABELS[channel].toLowerCase()}
                            </span>
                          </label>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Field
            name="digestTime"
            label="Daily digest at"
            type="time"
            required
            defaultValue={draft ? draft.digestTime : settings.digestTime}
            hint="HH:MM, in the time zone below."
          />
          <Field as="select" name="timeZone" label="Time zone" defaultValue={timeZone}>
            <option value="">Your first plant's (UTC when you have none)</option>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </Field>
          <button type="submit">Save notification settings</button>
        </ActForm>
      </section>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "My notification settings · Segmentation Tracker" }];
