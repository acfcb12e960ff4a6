import { z } from "../utils/zod";

// What makes an account's email address and name acceptable: the admin page's forms, the account model and the
// program file read them by the same rules.

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_EMAIL_LENGTH = 254;
const MAX_PERSON_NAME_LENGTH = 120;

export const EmailSchema = z
  .string()
  .trim()
  .min(1, "Enter an email address.")
  .max(MAX_EMAIL_LENGTH, "That email address is too long.")
  .regex(EMAIL_PATTERN, "Enter an email address like name@example.com.");

export const PersonNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(MAX_PERSON_NAME_LENGTH, `Keep the name to ${MAX_PERSON_NAME_LENGTH} characters or fewer.`);
