import { ROLE_LABELS, type Role } from "./vocabulary";

// The shape every business decision answers in: the reasons an act is refused, each with the HTTP-like status a
// model throws it with (403: not this person or role; 404: no such thing; 409: a rule of the program), or none
// when the act may proceed. Pages show the first reason beside a disabled control; models refuse with it.

export interface ActRefusal<Code extends string = string> {
  code: Code;
  status: 403 | 404 | 409;
  message: string;
}

/** 403: the person's role may not do `what` ("wire alerts") at the plant. */
export function roleMayNot<Code extends string>(code: Code, role: Role, what: string): ActRefusal<Code> {
  return refusal(code, 403, `Your role (${ROLE_LABELS[role].toLowerCase()}) may not ${what} at this plant.`);
}

export function refusal<Code extends string>(
  code: Code,
  status: ActRefusal["status"],
  message: string
): ActRefusal<Code> {
  return { code, status, message };
}

/** A page's control for an act: allowed, or disabled with the first reason. */
export interface Control {
  allowed: boolean;
  why: string | null;
}

export function controlOf(refusals: readonly ActRefusal[]): Control {
  const first = refusals[0];
  return first ? { allowed: false, why: first.message } : { allowed: true, why: null };
}
