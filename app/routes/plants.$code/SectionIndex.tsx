/** The plant page's sections, in page order: the id each begins at and its name in the index. */
export const PLANT_SECTIONS = [
  ["phases", "Phases"],
  ["gates", "Gates"],
  ["ownership", "Ownership"],
  ["zones", "Zones & conduits"],
  ["evidence", "Evidence"],
  ["assets", "Assets"],
  ["windows", "Windows"],
  ["history", "History"],
] as const;

/**
 * The index of the plant page: plain anchors (they work without JavaScript), kept in view at the side on a wide
 * screen and at the top on a phone.
 */
export function SectionIndex() {
  return (
    <nav aria-label="Sections of this plant" className="plant-index">
      <ol>
        {PLANT_SECTIONS.map(([id, name]) => (
          <li key={id}>
            <a href={`#${id}`}>{name}</a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
