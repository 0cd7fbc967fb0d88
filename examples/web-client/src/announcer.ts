/**
 * The polite live region (WAI-ARIA 1.2 `aria-live="polite"`): screen readers read what is put here
 * once the user is idle, without moving focus.
 *
 * @module
 */

/**
 * Announces short texts through a live region.
 *
 * @example
 * ```ts
 * const announce = announcer(document.getElementById('announcer')!);
 * announce('New message from Bob: Lunch at noon?');
 * ```
 * @param region - an element with `aria-live="polite"`, present since page load
 * @returns the announce function
 */
export function announcer(region: HTMLElement): (text: string) => void {
  let queue: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (text: string) => {
    queue.push(text);
    if (timer !== undefined) return;
    // Messages arriving together are read as one announcement, and a repeat of the same text is
    // still a change of the region's content (cleared first).
    timer = setTimeout(() => {
      region.textContent = '';
      const batch = queue.join('. ');
      queue = [];
      timer = undefined;
      requestAnimationFrame(() => {
        region.textContent = batch;
      });
    }, 50);
  };
}
