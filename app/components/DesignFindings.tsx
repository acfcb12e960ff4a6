import { objectHref } from "~/components/GatesPanel";
import { acknowledgementKey, type DesignFinding, type FindingSeverity } from "~/domain/design-review";
import type { ObjectRef } from "~/domain/readiness";

// The design review's findings as a list: each with its severity as a mark and a word (never colour alone), its
// stable code, the sentence naming what is at fault, and links to the objects at fault.

const SEVERITY: Record<FindingSeverity, { mark: string; word: string }> = {
  error: { mark: "✕", word: "Error" },
  warning: { mark: "!", word: "Warning" },
};

/** A finding's severity: its mark beside its word. */
export function SeverityMark({ severity }: { severity: FindingSeverity }) {
  const { mark, word } = SEVERITY[severity];
  return (
    <span className={`finding-mark finding-${severity}`}>
      <span aria-hidden="true">{mark}</span> {word}
    </span>
  );
}

/**
 * A link to an object at fault, a plain anchor: the list is also drawn once for every reader of the plant page
 * (`RenderedOnce`), outside the router.
 */
function findingObjectLink(plantCode: string, object: ObjectRef) {
  const href = objectHref(plantCode, object);
  return href ? <a href={href}>{object.label}</a> : <span>{object.label}</span>;
}

/** Every finding given, errors first as the review orders them; `empty` says what no finding means here. */
export function DesignFindings({
  findings,
  plantCode,
  empty = "The design review finds nothing here.",
}: {
  findings: readonly DesignFinding[];
  plantCode: string;
  empty?: string;
}) {
  if (findings.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="design-findings">
      {findings.map((finding) => (
        <li key={acknowledgementKey(finding)}>
          <SeverityMark severity={finding.severity} /> <code>{finding.code}</code> {finding.message}
          {finding.objects.length > 0 ? (
            <span className="finding-objects">
              {" "}
              At fault:{" "}
              {finding.objects.map((object, i) => (
                <span key={`${object.type}:${object.id}`}>
                  {i > 0 ? ", " : ""}
                  {findingObjectLink(plantCode, object)}
                </span>
              ))}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
