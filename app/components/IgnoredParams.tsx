/** Tells the reader which URL parameters were not understood and what is shown instead. */
export function IgnoredParams({ ignored }: { ignored: string[] }) {
  if (ignored.length === 0) return null;
  return (
    <div className="notice" role="status">
      Some of the address's parameters were ignored:
      <ul>
        {ignored.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
    </div>
  );
}
