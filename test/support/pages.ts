// Pages over HTTP as a browser without JavaScript uses them: a form posted with a session cookie (the redirect not
// followed), a page read, and the words of its HTML for matching messages.

export interface PageReply {
  status: number;
  location: string | null;
  /** The first cookie the answer set (the confirmation a redirect carries), as `name=value`. */
  setCookie: string;
  text: string;
}

async function reply(response: Response): Promise<PageReply> {
  return {
    status: response.status,
    location: response.headers.get("Location"),
    setCookie: (response.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "",
    text: await response.text(),
  };
}

/** Posts a form as the person whose session `cookie` is. */
export async function postForm(
  baseUrl: string,
  pathname: string,
  cookie: string,
  fields: Record<string, string>
): Promise<PageReply> {
  const response = await fetch(`${baseUrl}${pathname}`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return reply(response);
}

/** Reads a page (signed in with `cookie`, if given). */
export async function getPage(baseUrl: string, pathname: string, cookie?: string): Promise<PageReply> {
  const response = await fetch(`${baseUrl}${pathname}`, {
    headers: cookie ? { Cookie: cookie } : {},
    redirect: "manual",
  });
  return reply(response);
}

/** The page's words without markup or entities, for matching messages. */
export function words(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}
