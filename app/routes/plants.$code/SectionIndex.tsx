import type { MouseEvent } from "react";

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
  ["scorecard", "Scorecard"],
] as const;

/**
 * With JavaScript, the router would take the new address for a navigation and put the window back where it was on
 * it; the index scrolls to the section itself and writes its anchor into the address in place.
 */
function follow(event: MouseEvent<HTMLAnchorElement>, id: string) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const target = document.getElementById(id);
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView();
  window.history.replaceState(window.history.state, "", `#${id}`);
}

/**
 * The index of the plant page: plain anchors (they work without JavaScript), kept in view at the top of the window
 * on a tablet or wider, and at the top of the page on a phone.
 */
export function SectionIndex() {
  return (
    <nav aria-label="Sections of this plant" className="plant-index">
      <ol>
        {PLANT_SECTIONS.map(([id, name]) => (
          <li key={id}>
            <a href={`#${id}`} onClick={(event) => follow(event, id)}>
              {name}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
