import type { OffsetCandidate } from "~/domain/local-time";
import { replyFor, type FormReply } from "~/utils/reply";

/** The windows page's reply: the pipeline's, with the offsets to choose from when a plant-local time happens twice. */
export interface WindowReply extends FormReply {
  /** By field prefix ("start"): the two readings of a time the plant's clock shows twice. */
  offsets?: Record<string, OffsetCandidate[]>;
  /** By field: where the object a refusal points at is shown (the open change a duplicate would repeat). */
  links?: Record<string, string>;
}

export function windowReplyFor(
  reply: unknown,
  intent: string | readonly string[],
  target?: string | number | null
): WindowReply | undefined {
  return replyFor(reply, intent, target);
}
