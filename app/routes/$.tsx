import { data } from "@remix-run/node";

// Any address no route claims: answer 404 through the root error boundary.
export function loader() {
  throw data("There is nothing at this address.", { status: 404 });
}

export default function NotFound() {
  return null;
}
