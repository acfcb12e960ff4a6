import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "~/utils/zod";
import { homePath } from "~/domain/permissions";
import { getUser, safeRedirect, sessionCookieRefusedOver, signIn } from "~/http/auth.server";

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
  const parsed = SignInSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors;
    return data({ error: null, fieldErrors, email: "" }, { status: 400 });
  }
  const { email, password, redirectTo } = parsed.data;
  const result = await signIn(request, { email, password, ip: context.clientIp });
  if (!result.ok) {
    return data(
      { error: result.message, fieldErrors: {}, email },
      { status: result.status, headers: result.retryAfter ? { "Retry-After": String(result.retryAfter) } : {} }
    );
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
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const fieldErrors: { email?: string[]; password?: string[] } = actionData?.fieldErrors ?? {};
  return (
    <section className="auth-card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p className="lede">Segmentation Tracker keeps each plant's rollout, signoffs and readiness gates.</p>
      {transportProblem ? (
        <p className="notice" role="alert">
          {transportProblem}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      <Form method="post" className="stacked">
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            defaultValue={actionData?.email ?? ""}
            aria-invalid={fieldErrors.email ? true : undefined}
            aria-describedby={fieldErrors.email ? "email-error" : undefined}
          />
        </label>
        {fieldErrors.email ? (
          <p className="field-error" id="email-error">
            {fieldErrors.email[0]}
          </p>
        ) : null}
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            aria-invalid={fieldErrors.password ? true : undefined}
            aria-describedby={fieldErrors.password ? "password-error" : undefined}
          />
        </label>
        {fieldErrors.password ? (
          <p className="field-error" id="password-error">
            {fieldErrors.password[0]}
          </p>
        ) : null}
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
