import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field, replyFor } from "~/components/forms";
import { z } from "~/utils/zod";
import { homePath } from "~/domain/permissions";
import { getUser, safeRedirect, sessionCookieRefusedOver, signIn } from "~/http/auth.server";
import { answer, parseForm } from "~/utils/forms.server";
import type { FormReply } from "~/utils/reply";

const SignInSchema = z.object({
  email: z.string().trim().min(1, "Enter your email address.").max(254, "That email address is too long."),
  password: z.string().min(1, "Enter your password.").max(200, "That password is too long."),
  redirectTo: z.string().optional(),
});

const HTTPS_ADVICE =
  "Serve the tracker over HTTPS (behind a proxy that ends TLS, set TRUST_PROXY so the server knows), or set COOKIE_SECURE=false to sign in over plain HTTP on a trusted network.";

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const user = await getUser(request);
  if (user) throw redirect(safeRedirect(url.searchParams.get("redirectTo"), homePath(user.role)));
  // Back from a sign-in whose cookie the browser may refuse (see the action), and without it.
  if (url.searchParams.get("session") === "check") {
    return {
      transportProblem: `Your email and password were accepted, but your browser did not keep the session: its cookie is marked Secure, and this page came over plain HTTP. ${HTTPS_ADVICE}`,
    };
  }
  if (sessionCookieRefusedOver(request)) {
    return {
      transportProblem: `Signing in will bring you back to this page: this page came over plain HTTP, and browsers keep the session cookie (marked Secure) only over HTTPS. ${HTTPS_ADVICE}`,
    };
  }
  return { transportProblem: null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const typed = form.get("email");
  // A refused sign-in shows the email again (never the password).
  const draft = { email: typeof typed === "string" ? typed.slice(0, 254) : "" };
  const parsed = parseForm(SignInSchema, form, "sign-in");
  if (!parsed.ok) return answer({ ...parsed.reply, draft });
  const { email, password, redirectTo } = parsed.data;
  const result = await signIn(request, { email, password, ip: context.clientIp });
  if (!result.ok) {
    const reply: FormReply = { status: "error", intent: "sign-in", formError: result.message, fieldErrors: {}, draft };
    return data(reply, {
      status: result.status,
      headers: result.retryAfter ? { "Retry-After": String(result.retryAfter) } : {},
    });
  }
  const target = safeRedirect(redirectTo, homePath(result.role));
  // The browser may drop the cookie without a word; the next request shows whether it kept it.
  const next = sessionCookieRefusedOver(request)
    ? `/login?session=check&redirectTo=${encodeURIComponent(target)}`
    : target;
  throw redirect(next, { headers: { "Set-Cookie": result.setCookie } });
}

export default function SignIn() {
  const { transportProblem } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const mine = replyFor(reply, "sign-in");
  return (
    <section className="auth-card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p className="lede">Segmentation Tracker keeps each plant's rollout, signoffs and readiness gates.</p>
      {transportProblem ? (
        <p className="notice" role="alert">
          {transportProblem}
        </p>
      ) : null}
      {/* A plain form, not an ActForm: its address carries no #anchor, which the browser would keep through the
          redirect after signing in (without JavaScript) and show on the page signed into. */}
      <Form method="post" className="stacked" id="sign-in">
        <input type="hidden" name="intent" value="sign-in" />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        {mine?.formError ? (
          <p className="form-error" role="alert">
            {mine.formError}
          </p>
        ) : null}
        <Field
          name="email"
          label="Email"
          type="email"
          autoComplete="username"
          required
          defaultValue={mine?.draft?.email ?? ""}
          errors={mine?.fieldErrors.email}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          errors={mine?.fieldErrors.password}
        />
        <button type="submit" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? "Signing in…" : "Sign in"}
        </button>
      </Form>
    </section>
  );
}

// A refused sign-in carries Retry-After; document responses take headers from here.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export const meta: MetaFunction = () => [{ title: "Sign in · Segmentation Tracker" }];
