// Any /api/* address no route claims: a JSON 404, as machine clients expect.
export function loader() {
  return Response.json({ error: "No such API endpoint." }, { status: 404 });
}

export function action() {
  return Response.json({ error: "No such API endpoint." }, { status: 404 });
}
