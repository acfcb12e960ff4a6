import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { homePath } from "~/domain/permissions";
import { requireUser } from "~/http/auth.server";

// `/` holds no page of its own: each role starts its day where its work is (homePath), and a visitor without a
// session is sent to sign in.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  throw redirect(homePath(user.role));
}
