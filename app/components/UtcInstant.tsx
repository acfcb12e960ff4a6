import { useEffect, useState } from "react";

/**
 * An instant in UTC, as the server renders it; once the page runs in a browser, hovering shows it in the
 * viewer's own time zone too (the server cannot know that zone, so it is added after hydration).
 */
export function UtcInstant({ iso }: { iso: string }) {
  const [viewer, setViewer] = useState<string | null>(null);
  useEffect(() => {
    // dateStyle and timeStyle cannot be combined with timeZoneName, so the parts are named one by one.
    setViewer(
      new Date(iso).toLocaleString(undefined, {
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZoneName: "short",
      })
    );
  }, [iso]);
  return (
    <time dateTime={iso} title={viewer ? `Your time: ${viewer}` : undefined}>
      {iso.slice(0, 16).replace("T", " ")} UTC
    </time>
  );
}
