import { RAG_LABELS, type Rag } from "~/domain/rollup";

const CLASS: Record<Rag, string> = { green: "ok", amber: "warn", red: "bad" };

export function RagBadge({ rag }: { rag: Rag }) {
  return <span className={`badge rag ${CLASS[rag]}`}>{RAG_LABELS[rag]}</span>;
}
