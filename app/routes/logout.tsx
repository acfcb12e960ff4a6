import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOut } from "~/http/auth.server";

export async function action({ request }: ActionFunctionArgs) {
  throw redirect("/login", { headers: { "Set-Cookie": await signOut(request) } });
}

export function loader() {
  throw redirect("/");
}
