import { RAG_LABELS, type Rag } from "~/domain/rollup";

const CLASS: Record<Rag, string> = { green: "ok", amber: "warn", red: "bad" };
/** A mark of its own for each rating, so the rating reads without its colour (and in print). */
const MARK: Record<Rag, string> = { green: "✓", amber: "!", red: "✕" };

export function RagBadge({ rag }: { rag: Rag }) {
  return (
    <span className={`badge rag ${CLASS[rag]}`}>
      <span className="badge-mark" aria-hidden="true">
        {MARK[rag]}
      </span>
      {RAG_LABELS[rag]}
    </span>
  );
}
