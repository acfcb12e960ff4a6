// `GET /healthz`: answers `ok` to anyone, signed in or not, without touching the database. A health check for
// deployments (a load balancer, a container probe), and the floor the benchmark measures every page against.

export function loader() {
  return new Response("ok\n", {
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
